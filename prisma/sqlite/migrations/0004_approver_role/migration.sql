-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
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
    "message" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Rule" ("action", "annotations", "approvers", "bridgeGlob", "createdAt", "enabled", "id", "message", "name", "position", "principalGlob", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when") SELECT "action", "annotations", "approvers", "bridgeGlob", "createdAt", "enabled", "id", "message", "name", "position", "principalGlob", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when" FROM "Rule";
DROP TABLE "Rule";
ALTER TABLE "new_Rule" RENAME TO "Rule";
CREATE UNIQUE INDEX "Rule_name_key" ON "Rule"("name");
CREATE TABLE "new_ApprovalRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "outcome" TEXT,
    "bridgeId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "clientName" TEXT,
    "clientVersion" TEXT,
    "principal" TEXT,
    "server" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "toolTitle" TEXT,
    "toolDescription" TEXT,
    "inputSchema" JSONB,
    "arguments" JSONB NOT NULL,
    "argumentsHash" TEXT NOT NULL,
    "approvedArguments" JSONB,
    "executedArguments" JSONB,
    "executionError" TEXT,
    "prompt" TEXT,
    "reasoning" TEXT,
    "context" JSONB NOT NULL,
    "heldReason" TEXT NOT NULL,
    "ruleName" TEXT,
    "policyVersion" INTEGER,
    "requiredApprovers" INTEGER NOT NULL DEFAULT 1,
    "approverRole" TEXT NOT NULL DEFAULT 'reviewer',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "executedAt" DATETIME,
    CONSTRAINT "ApprovalRequest_bridgeId_fkey" FOREIGN KEY ("bridgeId") REFERENCES "Bridge" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_ApprovalRequest" ("approvedArguments", "arguments", "argumentsHash", "bridgeId", "clientName", "clientVersion", "context", "createdAt", "decidedAt", "executedArguments", "executedAt", "executionError", "expiresAt", "heldReason", "id", "inputSchema", "outcome", "policyVersion", "principal", "prompt", "reasoning", "requiredApprovers", "ruleName", "server", "sessionId", "status", "tool", "toolDescription", "toolTitle") SELECT "approvedArguments", "arguments", "argumentsHash", "bridgeId", "clientName", "clientVersion", "context", "createdAt", "decidedAt", "executedArguments", "executedAt", "executionError", "expiresAt", "heldReason", "id", "inputSchema", "outcome", "policyVersion", "principal", "prompt", "reasoning", "requiredApprovers", "ruleName", "server", "sessionId", "status", "tool", "toolDescription", "toolTitle" FROM "ApprovalRequest";
DROP TABLE "ApprovalRequest";
ALTER TABLE "new_ApprovalRequest" RENAME TO "ApprovalRequest";
CREATE INDEX "ApprovalRequest_status_createdAt_idx" ON "ApprovalRequest"("status", "createdAt");
CREATE INDEX "ApprovalRequest_bridgeId_sessionId_idx" ON "ApprovalRequest"("bridgeId", "sessionId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

