import { db } from "../db/prisma";
import { appendAudit } from "./chain";
import { purgeMessage } from "./chain-hash";
import { EVENT_CLASSES, parseRetention, type TEventClass } from "./retention-policy";
import { auditSigningKey, signMessage } from "./signing-key";

export { EVENT_CLASSES, parseRetention, type TEventClass };

// Retention: events older than their class's period lose their content; their position,
// kind, time and hashes stay, so the chain still links across them and `audit verify` can
// tell a purge (recorded as an `audit_purged` event covering it) from a deletion or an edit.
// A legal hold stops every purge until it is lifted.
//
// AIRLOCK_AUDIT_RETENTION="calls=90d,access=1y" (d or y; classes below; unset: keep forever).

const LEGAL_HOLD_KEY = "audit.legalHold";
const DAY_MS = 86_400_000;

export interface LegalHold {
  isOn: boolean;
  reason: string | null;
  since: string | null;
}

export async function legalHold(): Promise<LegalHold> {
  const row = await db.setting.findUnique({ where: { key: LEGAL_HOLD_KEY } });
  if (!row) return { isOn: false, reason: null, since: null };
  const value = JSON.parse(row.value) as { reason?: string; since?: string };
  return { isOn: true, reason: value.reason ?? null, since: value.since ?? null };
}

/** Turns the legal hold on or off; either way it is on the record. */
export async function setLegalHold({ isOn, reason, actorId }: { isOn: boolean; reason?: string; actorId?: string }): Promise<LegalHold> {
  const since = new Date().toISOString();
  await db.$transaction(async (tx) => {
    if (isOn) {
      const value = JSON.stringify({ reason: reason ?? null, since });
      await tx.setting.upsert({ where: { key: LEGAL_HOLD_KEY }, create: { key: LEGAL_HOLD_KEY, value }, update: { value } });
    } else await tx.setting.deleteMany({ where: { key: LEGAL_HOLD_KEY } });
    await appendAudit(tx, [{ kind: "legal_hold_changed", actorId: actorId ?? null, detail: { on: isOn, reason: reason ?? null } }]);
  });
  return legalHold();
}

export interface PurgeResult {
  isDryRun: boolean;
  heldBy: string | null;
  purged: { class: TEventClass; before: string; events: number; fromSeq: number | null; toSeq: number | null }[];
}

/**
 * Purges the content of events past their class's retention. Each class's purge is one
 * transaction with its `audit_purged` record (the range, the cutoff and the kinds), which
 * is what lets `audit verify` accept those events without their content.
 */
export async function purgeExpiredEvents({
  now = new Date(),
  isDryRun = false,
  spec = process.env.AIRLOCK_AUDIT_RETENTION,
}: {
  now?: Date;
  isDryRun?: boolean;
  spec?: string;
} = {}): Promise<PurgeResult> {
  const periods = parseRetention(spec);
  const hold = await legalHold();
  if (hold.isOn) return { isDryRun, heldBy: hold.reason ?? "legal hold", purged: [] };
  const purged: PurgeResult["purged"] = [];
  for (const [name, days] of Object.entries(periods) as [TEventClass, number][]) {
    const before = new Date(now.getTime() - days * DAY_MS);
    const kinds = [...EVENT_CLASSES[name]];
    const where = { kind: { in: kinds }, createdAt: { lt: before }, purgedAt: null, seq: { not: null } };
    const range = await db.auditEvent.aggregate({ where, _min: { seq: true }, _max: { seq: true }, _count: { _all: true } });
    const events = range._count._all;
    const entry = {
      class: name,
      before: before.toISOString(),
      events,
      fromSeq: range._min.seq === null ? null : Number(range._min.seq),
      toSeq: range._max.seq === null ? null : Number(range._max.seq),
    };
    purged.push(entry);
    if (isDryRun || !events) continue;
    await db.$transaction(async (tx) => {
      await tx.auditEvent.updateMany({
        where: { ...where, seq: { gte: range._min.seq!, lte: range._max.seq! } },
        data: {
          purgedAt: now,
          bridgeId: null,
          sessionId: null,
          server: null,
          tool: null,
          argumentsHash: null,
          ruleName: null,
          policyVersion: null,
          approvalId: null,
          actorId: null,
          latencyMs: null,
          principal: null,
          personalSalt: null,
          sourceId: null,
        },
      });
      // JSON columns to SQL NULL: spelled differently by each generated client, so in SQL.
      await tx.$executeRawUnsafe(
        `UPDATE "AuditEvent" SET "detail" = NULL, "arguments" = NULL WHERE "purgedAt" IS NOT NULL AND ("detail" IS NOT NULL OR "arguments" IS NOT NULL)`,
      );
      // Signed: a purge record vouches for events whose content is gone, so only the key holder may write one.
      const record = { class: name, kinds, before: entry.before, events, fromSeq: entry.fromSeq!, toSeq: entry.toSeq! };
      const key = auditSigningKey();
      await appendAudit(tx, [{ kind: "audit_purged", detail: { ...record, keyId: key.keyId, signature: signMessage(key, purgeMessage(record)) } }]);
    });
  }
  return { isDryRun, heldBy: null, purged };
}
