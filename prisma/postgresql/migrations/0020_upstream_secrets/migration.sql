-- Upstream secrets (lib/upstream-secrets): credentials the bridge hands to an upstream server
-- (environment variables, headers), sealed with AES-256-GCM; the agent never holds them.
CREATE TABLE "UpstreamSecret" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "upstream" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedBy" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UpstreamSecret_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "UpstreamSecret_scope_upstream_kind_name_key" ON "UpstreamSecret"("scope", "upstream", "kind", "name");
