-- Escalation of undecided requests, and reviewers' away delegates.
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalateAt" TIMESTAMP(3);
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalateTo" JSONB;
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalatedAt" TIMESTAMP(3);
CREATE INDEX "ApprovalRequest_status_escalateAt_idx" ON "ApprovalRequest"("status", "escalateAt");
ALTER TABLE "User" ADD COLUMN "awayUntil" TIMESTAMP(3);
ALTER TABLE "User" ADD COLUMN "delegateId" TEXT;
ALTER TABLE "User" ADD CONSTRAINT "User_delegateId_fkey" FOREIGN KEY ("delegateId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Rule" ADD COLUMN "escalateAfterSeconds" INTEGER;
ALTER TABLE "Rule" ADD COLUMN "escalateTo" JSONB;
