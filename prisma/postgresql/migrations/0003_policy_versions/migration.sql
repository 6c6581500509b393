-- AlterTable
ALTER TABLE "Bridge" ADD COLUMN     "enforcedAt" TIMESTAMP(3),
ADD COLUMN     "enforcedPolicyVersion" INTEGER;

-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN     "policyVersion" INTEGER;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "policyVersion" INTEGER;

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "author" TEXT NOT NULL,
    "comment" TEXT,
    "policy" JSONB NOT NULL,
    "diff" JSONB NOT NULL,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_number_key" ON "PolicyVersion"("number");

