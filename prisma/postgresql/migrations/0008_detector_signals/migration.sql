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
-- Prompts and resource templates join the tool inventory: one row per server, kind and name.
ALTER TABLE "Tool" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'tool';
DROP INDEX "Tool_server_name_key";
CREATE UNIQUE INDEX "Tool_server_kind_name_key" ON "Tool"("server", "kind", "name");
