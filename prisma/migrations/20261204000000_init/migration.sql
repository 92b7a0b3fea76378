-- Trigram search over request text and device names.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateEnum
CREATE TYPE "JitStatus" AS ENUM ('PENDING', 'SCHEDULED', 'ACTIVE', 'COMPLETED', 'DENIED', 'REVOKED', 'PRE_REVOKED', 'EXPIRED', 'FAILED');

-- CreateEnum
CREATE TYPE "DurationType" AS ENUM ('FIXED', 'SCHEDULED');

-- CreateEnum
CREATE TYPE "RequesterKind" AS ENUM ('USER', 'ADMIN');

-- CreateEnum
CREATE TYPE "DeviceSessionState" AS ENUM ('WAITING', 'APPLIED', 'SUSPENDED', 'REMOVED', 'FAILED');

-- CreateTable
CREATE TABLE "Device" (
    "id" TEXT NOT NULL DEFAULT 'dev_' || replace(gen_random_uuid()::text, '-', ''),
    "name" TEXT NOT NULL,
    "serialNumber" TEXT,
    "platform" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "tokenRevokedAt" TIMESTAMP(3),
    "online" BOOLEAN NOT NULL DEFAULT false,
    "lastSeenAt" TIMESTAMP(3),
    "excludedAccounts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Device_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceGroup" (
    "id" TEXT NOT NULL DEFAULT 'grp_' || replace(gen_random_uuid()::text, '-', ''),
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceGroupMember" (
    "deviceId" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "addedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeviceGroupMember_pkey" PRIMARY KEY ("deviceId","groupId")
);

-- CreateTable
CREATE TABLE "JitRequest" (
    "id" TEXT NOT NULL DEFAULT 'req_' || replace(gen_random_uuid()::text, '-', ''),
    "name" TEXT NOT NULL,
    "userAccountName" TEXT NOT NULL,
    "durationType" "DurationType" NOT NULL,
    "durationSeconds" INTEGER NOT NULL,
    "extensionSeconds" INTEGER NOT NULL DEFAULT 0,
    "scheduledStartAt" TIMESTAMP(3),
    "internetAccessRequired" BOOLEAN NOT NULL DEFAULT false,
    "status" "JitStatus" NOT NULL,
    "requesterKind" "RequesterKind" NOT NULL,
    "requestedBy" TEXT NOT NULL,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approvedBy" TEXT,
    "approvedAt" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "reasonByUser" TEXT,
    "reasonByAdmin" TEXT,
    "revokedBy" TEXT,
    "extensionRequested" BOOLEAN NOT NULL DEFAULT false,
    "extensionRequestedSeconds" INTEGER,
    "raisedFromDeviceId" TEXT,
    "targetNames" TEXT NOT NULL DEFAULT '',
    "searchText" TEXT NOT NULL DEFAULT '',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "JitRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JitRequestTarget" (
    "id" TEXT NOT NULL DEFAULT 'tgt_' || replace(gen_random_uuid()::text, '-', ''),
    "requestId" TEXT NOT NULL,
    "deviceId" TEXT,
    "groupId" TEXT,

    CONSTRAINT "JitRequestTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeviceSession" (
    "id" TEXT NOT NULL DEFAULT 'ses_' || replace(gen_random_uuid()::text, '-', ''),
    "requestId" TEXT NOT NULL,
    "deviceId" TEXT NOT NULL,
    "state" "DeviceSessionState" NOT NULL DEFAULT 'WAITING',
    "appliedAt" TIMESTAMP(3),
    "removedAt" TIMESTAMP(3),
    "failureReason" TEXT,
    "overrunSeconds" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DeviceSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentSettings" (
    "id" TEXT NOT NULL DEFAULT 'set_' || replace(gen_random_uuid()::text, '-', ''),
    "deviceGroupId" TEXT,
    "dailyRequestLimit" INTEGER NOT NULL,
    "jitSectionVisible" BOOLEAN NOT NULL,
    "requestSubmissionEnabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AgentSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "requestId" TEXT,
    "deviceId" TEXT,
    "details" JSONB,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentCommand" (
    "id" TEXT NOT NULL DEFAULT 'cmd_' || replace(gen_random_uuid()::text, '-', ''),
    "deviceId" TEXT NOT NULL,
    "sessionId" TEXT,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),
    "ackedAt" TIMESTAMP(3),
    "result" JSONB,

    CONSTRAINT "AgentCommand_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Device_serialNumber_key" ON "Device"("serialNumber");

-- CreateIndex
CREATE UNIQUE INDEX "Device_tokenHash_key" ON "Device"("tokenHash");

-- CreateIndex
CREATE INDEX "Device_name_idx" ON "Device" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "DeviceGroup_name_key" ON "DeviceGroup"("name");

-- CreateIndex
CREATE INDEX "DeviceGroupMember_groupId_idx" ON "DeviceGroupMember"("groupId");

-- CreateIndex
CREATE INDEX "JitRequest_status_requestedAt_id_idx" ON "JitRequest"("status", "requestedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "JitRequest_status_expiresAt_idx" ON "JitRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "JitRequest_status_scheduledStartAt_idx" ON "JitRequest"("status", "scheduledStartAt");

-- CreateIndex
CREATE INDEX "JitRequest_raisedFromDeviceId_userAccountName_requestedAt_idx" ON "JitRequest"("raisedFromDeviceId", "userAccountName", "requestedAt");

-- CreateIndex
CREATE INDEX "JitRequest_searchText_idx" ON "JitRequest" USING GIN ("searchText" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "JitRequestTarget_requestId_idx" ON "JitRequestTarget"("requestId");

-- CreateIndex
CREATE INDEX "JitRequestTarget_deviceId_idx" ON "JitRequestTarget"("deviceId");

-- CreateIndex
CREATE INDEX "JitRequestTarget_groupId_idx" ON "JitRequestTarget"("groupId");

-- CreateIndex
CREATE INDEX "DeviceSession_deviceId_state_idx" ON "DeviceSession"("deviceId", "state");

-- CreateIndex
CREATE UNIQUE INDEX "DeviceSession_requestId_deviceId_key" ON "DeviceSession"("requestId", "deviceId");

-- CreateIndex
CREATE UNIQUE INDEX "AgentSettings_deviceGroupId_key" ON "AgentSettings"("deviceGroupId");

-- CreateIndex
CREATE INDEX "AuditEvent_requestId_id_idx" ON "AuditEvent"("requestId", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AgentCommand_deviceId_ackedAt_idx" ON "AgentCommand"("deviceId", "ackedAt");

-- AddForeignKey
ALTER TABLE "DeviceGroupMember" ADD CONSTRAINT "DeviceGroupMember_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceGroupMember" ADD CONSTRAINT "DeviceGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "DeviceGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JitRequest" ADD CONSTRAINT "JitRequest_raisedFromDeviceId_fkey" FOREIGN KEY ("raisedFromDeviceId") REFERENCES "Device"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JitRequestTarget" ADD CONSTRAINT "JitRequestTarget_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "JitRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JitRequestTarget" ADD CONSTRAINT "JitRequestTarget_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JitRequestTarget" ADD CONSTRAINT "JitRequestTarget_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "DeviceGroup"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceSession" ADD CONSTRAINT "DeviceSession_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "JitRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeviceSession" ADD CONSTRAINT "DeviceSession_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentSettings" ADD CONSTRAINT "AgentSettings_deviceGroupId_fkey" FOREIGN KEY ("deviceGroupId") REFERENCES "DeviceGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "JitRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AgentCommand" ADD CONSTRAINT "AgentCommand_deviceId_fkey" FOREIGN KEY ("deviceId") REFERENCES "Device"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Only one global default row of agent settings (deviceGroupId NULL) may exist.
CREATE UNIQUE INDEX "AgentSettings_global_key" ON "AgentSettings" ((1)) WHERE "deviceGroupId" IS NULL;

INSERT INTO "AgentSettings" ("id", "deviceGroupId", "dailyRequestLimit", "jitSectionVisible", "requestSubmissionEnabled", "updatedAt")
VALUES ('global', NULL, 3, true, true, now());
