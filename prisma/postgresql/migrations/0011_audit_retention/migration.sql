-- Retention purges an event's content and keeps its position and hashes (lib/audit/retention.ts).
ALTER TABLE "AuditEvent" ADD COLUMN "purgedAt" TIMESTAMP(3);
