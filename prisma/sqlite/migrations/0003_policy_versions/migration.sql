-- AlterTable
ALTER TABLE "Bridge" ADD COLUMN "enforcedAt" DATETIME;
ALTER TABLE "Bridge" ADD COLUMN "enforcedPolicyVersion" INTEGER;

-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN "policyVersion" INTEGER;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "policyVersion" INTEGER;

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "number" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "author" TEXT NOT NULL,
    "comment" TEXT,
    "policy" JSONB NOT NULL,
    "diff" JSONB NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_number_key" ON "PolicyVersion"("number");

