-- Per-call grants (lib/grants): the public keys bridges sign grants with, published as JWKS
-- at /.well-known/jwks.json until notAfter. The private keys never leave the bridges.
CREATE TABLE "GrantKey" (
    "kid" TEXT NOT NULL,
    "bridgeId" TEXT NOT NULL,
    "publicJwk" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "notAfter" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GrantKey_pkey" PRIMARY KEY ("kid")
);
CREATE INDEX "GrantKey_notAfter_idx" ON "GrantKey"("notAfter");
CREATE INDEX "GrantKey_bridgeId_idx" ON "GrantKey"("bridgeId");
ALTER TABLE "GrantKey" ADD CONSTRAINT "GrantKey_bridgeId_fkey" FOREIGN KEY ("bridgeId") REFERENCES "Bridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;
