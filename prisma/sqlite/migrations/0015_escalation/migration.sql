-- Escalation of undecided requests, and reviewers' away delegates.
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalateAt" DATETIME;
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalateTo" JSONB;
ALTER TABLE "ApprovalRequest" ADD COLUMN "escalatedAt" DATETIME;
CREATE INDEX "ApprovalRequest_status_escalateAt_idx" ON "ApprovalRequest"("status", "escalateAt");
ALTER TABLE "User" ADD COLUMN "awayUntil" DATETIME;
ALTER TABLE "User" ADD COLUMN "delegateId" TEXT REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Rule" ADD COLUMN "escalateAfterSeconds" INTEGER;
ALTER TABLE "Rule" ADD COLUMN "escalateTo" JSONB;
