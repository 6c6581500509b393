-- Rules on results, and what reviewers see of a held result, its findings and its chain.
ALTER TYPE "RuleAction" ADD VALUE 'pass';
ALTER TYPE "RuleAction" ADD VALUE 'flag';
ALTER TYPE "RuleAction" ADD VALUE 'hold_result';
ALTER TYPE "RuleAction" ADD VALUE 'redact';
ALTER TYPE "RuleAction" ADD VALUE 'block';
ALTER TABLE "Rule" ADD COLUMN "stage" TEXT NOT NULL DEFAULT 'call';
ALTER TABLE "ApprovalRequest" ADD COLUMN "stage" TEXT NOT NULL DEFAULT 'call';
ALTER TABLE "ApprovalRequest" ADD COLUMN "heldResult" JSONB;
ALTER TABLE "ApprovalRequest" ADD COLUMN "findings" JSONB;
ALTER TABLE "ApprovalRequest" ADD COLUMN "chain" JSONB;
ALTER TABLE "Tool" ADD COLUMN "sourceTag" TEXT;
ALTER TABLE "Tool" ADD COLUMN "sinkTag" BOOLEAN;
