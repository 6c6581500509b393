-- AlterTable
ALTER TABLE "Rule" ADD COLUMN     "annotations" JSONB,
ADD COLUMN     "bridgeGlob" TEXT NOT NULL DEFAULT '*',
ADD COLUMN     "principalGlob" TEXT NOT NULL DEFAULT '*';


-- A new install lets tools the server marks read-only through; everything else
-- meets the policy default (require_approval). Existing rule sets are left alone.
INSERT INTO "Rule" ("id", "name", "position", "serverGlob", "toolGlob", "bridgeGlob", "principalGlob", "annotations", "action", "approvers", "timeoutSeconds", "enabled", "createdAt", "updatedAt")
SELECT 'rule_read_only_default', 'read-only tools pass', 0, '*', '*', '*', '*', '{"readOnlyHint":true}'::jsonb, 'allow', 1, 600, true, now(), now()
WHERE NOT EXISTS (SELECT 1 FROM "Rule");
