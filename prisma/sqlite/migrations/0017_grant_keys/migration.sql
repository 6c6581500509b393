-- Per-call grants (lib/grants): the public keys bridges sign grants with, published as JWKS
-- at /.well-known/jwks.json until notAfter. The private keys never leave the bridges.
CREATE TABLE "GrantKey" (
    "kid" TEXT NOT NULL PRIMARY KEY,
    "bridgeId" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notAfter" DATETIME NOT NULL,
    CONSTRAINT "GrantKey_bridgeId_fkey" FOREIGN KEY ("bridgeId") REFERENCES "Bridge" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "GrantKey_notAfter_idx" ON "GrantKey"("notAfter");
CREATE INDEX "GrantKey_bridgeId_idx" ON "GrantKey"("bridgeId");
