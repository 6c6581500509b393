-- CreateEnum
CREATE TYPE "ToolStatus" AS ENUM ('pending', 'enabled', 'disabled', 'quarantined');

-- AlterTable
ALTER TABLE "Bridge" ADD COLUMN     "newTools" TEXT NOT NULL DEFAULT 'disabled';

-- AlterTable
ALTER TABLE "Rule" ADD COLUMN     "onTimeout" TEXT NOT NULL DEFAULT 'reject',
ADD COLUMN     "redact" JSONB;

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "arguments" JSONB,
ADD COLUMN     "principal" TEXT;

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL,
    "server" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ToolStatus" NOT NULL DEFAULT 'pending',
    "definition" JSONB NOT NULL,
    "definitionHash" TEXT NOT NULL,
    "instructions" TEXT,
    "pinnedDefinition" JSONB,
    "pinnedHash" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastBridgeId" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "reviewedBy" TEXT,
    "reviewedAt" TIMESTAMP(3),

    CONSTRAINT "Tool_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Tool_status_idx" ON "Tool"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_server_name_key" ON "Tool"("server", "name");

