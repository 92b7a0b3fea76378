-- CreateTable
CREATE TABLE "PastRequestDevice" (
    "requestId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,

    CONSTRAINT "PastRequestDevice_pkey" PRIMARY KEY ("requestId","deviceId")
);

-- CreateIndex
CREATE INDEX "PastRequestDevice_deviceId_idx" ON "PastRequestDevice"("deviceId");

-- AddForeignKey
ALTER TABLE "PastRequestDevice" ADD CONSTRAINT "PastRequestDevice_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "JitRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PastRequestDevice" ADD CONSTRAINT "PastRequestDevice_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill: requests that already ended without starting keep the devices they cover now.
INSERT INTO "PastRequestDevice" ("requestId", "deviceId")
SELECT DISTINCT t."requestId", coalesce(t."deviceId", m."deviceId")
  FROM "JitRequestTarget" t
  JOIN "JitRequest" r ON r.id = t."requestId"
  LEFT JOIN "DeviceGroupMember" m ON m."groupId" = t."groupId"
 WHERE r.status IN ('COMPLETED', 'DENIED', 'REVOKED', 'PRE_REVOKED', 'EXPIRED', 'FAILED')
   AND coalesce(t."deviceId", m."deviceId") IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM "DeviceSession" s WHERE s."requestId" = r.id);
