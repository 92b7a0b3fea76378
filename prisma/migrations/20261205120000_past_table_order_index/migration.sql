-- CreateIndex
CREATE INDEX "JitRequest_requestedAt_id_idx" ON "JitRequest"("requestedAt" DESC, "id" DESC);

