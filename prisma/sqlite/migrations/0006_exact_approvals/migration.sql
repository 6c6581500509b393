-- Approvals bind to one exact call: each decision names the arguments hash it decided on,
-- the request keeps the hash of what was approved, a revision that serialises deciders,
-- and the bridge's idempotency key and instance.
ALTER TABLE "ApprovalRequest" ADD COLUMN "approvedArgumentsHash" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "ApprovalRequest" ADD COLUMN "idempotencyKey" TEXT;
ALTER TABLE "ApprovalRequest" ADD COLUMN "bridgeInstance" TEXT;
CREATE UNIQUE INDEX "ApprovalRequest_bridgeId_idempotencyKey_key" ON "ApprovalRequest"("bridgeId", "idempotencyKey");

ALTER TABLE "Decision" ADD COLUMN "argumentsHash" TEXT NOT NULL DEFAULT '';
-- Decisions taken before this migration were on the proposal as created (an edit approved it alone).
UPDATE "Decision" SET "argumentsHash" = (SELECT "argumentsHash" FROM "ApprovalRequest" WHERE "ApprovalRequest"."id" = "Decision"."approvalId");
DROP INDEX "Decision_approvalId_reviewerId_key";
CREATE UNIQUE INDEX "Decision_approvalId_reviewerId_argumentsHash_key" ON "Decision"("approvalId", "reviewerId", "argumentsHash");
