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
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 600,
    "message" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Rule" ("action", "approvers", "createdAt", "enabled", "id", "message", "name", "position", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when") SELECT "action", "approvers", "createdAt", "enabled", "id", "message", "name", "position", "serverGlob", "timeoutSeconds", "toolGlob", "updatedAt", "when" FROM "Rule";
DROP TABLE "Rule";
ALTER TABLE "new_Rule" RENAME TO "Rule";
CREATE UNIQUE INDEX "Rule_name_key" ON "Rule"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- A new install lets tools the server marks read-only through; everything else
-- meets the policy default (require_approval). Existing rule sets are left alone.
INSERT INTO "Rule" ("id", "name", "position", "serverGlob", "toolGlob", "bridgeGlob", "principalGlob", "annotations", "action", "approvers", "timeoutSeconds", "enabled", "createdAt", "updatedAt")
SELECT 'rule_read_only_default', 'read-only tools pass', 0, '*', '*', '*', '*', '{"readOnlyHint":true}', 'allow', 1, 600, true,
       strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
WHERE NOT EXISTS (SELECT 1 FROM "Rule");
