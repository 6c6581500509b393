-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "arguments" JSONB;
ALTER TABLE "AuditEvent" ADD COLUMN "principal" TEXT;

-- CreateTable
CREATE TABLE "Tool" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "server" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "definition" JSONB NOT NULL,
    "definitionHash" TEXT NOT NULL,
    "instructions" TEXT,
    "pinnedDefinition" JSONB,
    "pinnedHash" TEXT,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastBridgeId" TEXT,
    "lastUsedAt" DATETIME,
    "reviewedBy" TEXT,
    "reviewedAt" DATETIME
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Bridge" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME,
    "revokedAt" DATETIME,
    "enforcedPolicyVersion" INTEGER,
    "enforcedAt" DATETIME,
    "newTools" TEXT NOT NULL DEFAULT 'disabled'
);
INSERT INTO "new_Bridge" ("createdAt", "enforcedAt", "enforcedPolicyVersion", "id", "lastSeenAt", "name", "prefix", "revokedAt", "tokenHash") SELECT "createdAt", "enforcedAt", "enforcedPolicyVersion", "id", "lastSeenAt", "name", "prefix", "revokedAt", "tokenHash" FROM "Bridge";
DROP TABLE "Bridge";
ALTER TABLE "new_Bridge" RENAME TO "Bridge";
CREATE UNIQUE INDEX "Bridge_name_key" ON "Bridge"("name");
CREATE UNIQUE INDEX "Bridge_tokenHash_key" ON "Bridge"("tokenHash");
CREATE TABLE "new_Rule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "serverGlob" TEXT NOT NULL DEFAULT '*',
    "toolGlob" TEXT NOT NULL DEFAULT '*',
    "bridgeGlob" TEXT NOT NULL DEFAULT '*',
    "principalGlob" TEXT NOT NULL DEFAULT '*',
    "annotations" JSONB,
    "when" TEXT,
    "action" TEXT NOT NULL,
    "approvers" INTEGER NOT NULL DEFAULT 1,
    "approverRole" TEXT NOT NULL DEFAULT 'reviewer',
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 600,
    "onTimeout" TEXT NOT NULL DEFAULT 'reject',
    "redact" JSONB,
    "message" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Rule" ("action", "annotations", "approverRole", "approvers", "bridgeGlob", "createdAt", "enabled", "id", "message", "name", "position", "principalGlob", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when") SELECT "action", "annotations", "approverRole", "approvers", "bridgeGlob", "createdAt", "enabled", "id", "message", "name", "position", "principalGlob", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when" FROM "Rule";
DROP TABLE "Rule";
ALTER TABLE "new_Rule" RENAME TO "Rule";
CREATE UNIQUE INDEX "Rule_name_key" ON "Rule"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Tool_status_idx" ON "Tool"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Tool_server_name_key" ON "Tool"("server", "name");

