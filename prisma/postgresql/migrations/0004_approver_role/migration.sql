-- AlterTable
ALTER TABLE "Rule" ADD COLUMN     "approverRole" TEXT NOT NULL DEFAULT 'reviewer';

-- AlterTable
ALTER TABLE "ApprovalRequest" ADD COLUMN     "approverRole" TEXT NOT NULL DEFAULT 'reviewer';

