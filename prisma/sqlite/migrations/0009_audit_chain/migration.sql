-- The audit trail becomes a hash chain (lib/audit/chain.ts): a position, the previous
-- event's hash and the event's own; personal fields are covered by a salted digest.
ALTER TABLE "AuditEvent" ADD COLUMN "seq" BIGINT;
ALTER TABLE "AuditEvent" ADD COLUMN "prevHash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "hash" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "personalDigest" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "personalSalt" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "sourceId" TEXT;
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");
CREATE UNIQUE INDEX "AuditEvent_sourceId_key" ON "AuditEvent"("sourceId");

CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "seq" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "sealedAt" DATETIME
);
-- The genesis link; events written before this migration are sealed into the chain by the first append.
INSERT INTO "AuditChainHead" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE "AuditCheckpoint" (
    "seq" BIGINT NOT NULL PRIMARY KEY,
    "hash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL
);
