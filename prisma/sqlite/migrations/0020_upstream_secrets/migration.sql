-- Upstream secrets (lib/upstream-secrets): credentials the bridge hands to an upstream server
-- (environment variables, headers), sealed with AES-256-GCM; the agent never holds them.
CREATE TABLE "UpstreamSecret" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "scope" TEXT NOT NULL,
    "upstream" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
CREATE UNIQUE INDEX "UpstreamSecret_scope_upstream_kind_name_key" ON "UpstreamSecret"("scope", "upstream", "kind", "name");
