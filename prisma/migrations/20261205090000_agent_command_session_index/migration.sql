-- CreateIndex
CREATE INDEX "AgentCommand_sessionId_kind_idx" ON "AgentCommand"("sessionId", "kind");

