-- CreateIndex
CREATE INDEX "JitRequest_name_id_idx" ON "JitRequest"("name", "id");

-- CreateIndex
CREATE INDEX "JitRequest_userAccountName_id_idx" ON "JitRequest"("userAccountName", "id");

-- CreateIndex
CREATE INDEX "JitRequest_requestedBy_id_idx" ON "JitRequest"("requestedBy", "id");

-- CreateIndex
CREATE INDEX "JitRequest_endedAt_id_idx" ON "JitRequest"("endedAt", "id");

-- CreateIndex (not in schema.prisma: Prisma cannot declare NULLS LAST)
CREATE INDEX "JitRequest_endedAt_id_desc_idx" ON "JitRequest"("endedAt" DESC NULLS LAST, "id" DESC);
