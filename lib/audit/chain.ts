import { randomBytes, randomUUID } from "node:crypto";
import { db, type Prisma } from "../db/prisma";
import { isPostgres, jsonParam, jsonPlaceholder, placeholders } from "../db/raw-sql";
import { type ChainEvent, checkpointMessage, eventHash, personalDigest, roundLatency } from "./chain-hash";
import { auditSigningKey, signMessage } from "./signing-key";

// Every audit event is appended here, and only here: it takes the chain's head (one row,
// locked for the rest of the caller's transaction, so several dashboard instances on one
// PostgreSQL database write one chain), gives each event the next position, the previous
// event's hash and its own, and moves the head. Call it last in a transaction: the head's
// lock is held until the commit.

type Tx = Prisma.TransactionClient;

export interface AuditInput {
  kind: string;
  createdAt?: Date;
  bridgeId?: string | null;
  sessionId?: string | null;
  server?: string | null;
  tool?: string | null;
  argumentsHash?: string | null;
  ruleName?: string | null;
  policyVersion?: number | null;
  approvalId?: string | null;
  actorId?: string | null;
  latencyMs?: number | null;
  detail?: unknown;
  /** Personal: kept out of the hash behind a salted digest, erasable (README: Audit trail). */
  principal?: string | null;
  arguments?: unknown;
  /** The bridge's id for the event (exactly-once delivery of its spool). */
  sourceId?: string | null;
}

interface Head {
  seq: number;
  hash: string;
  sealedAt: Date | null;
}

/** A checkpoint is signed at least every this many events (and by the dashboard's timer). */
export const CHECKPOINT_EVERY = Math.max(1, Number(process.env.AIRLOCK_AUDIT_CHECKPOINT_EVERY) || 1000);
/** The most events one append writes (a bridge's batch of 1,000 and their alerts): the checkpoint after a multiple of CHECKPOINT_EVERY comes within this. */
export const MAX_APPEND = 2_000;

/** Plain JSON (what the database gives back), so the hash at write time is the hash at verify time. */
const plainJson = (value: unknown) => (value == null ? null : (JSON.parse(JSON.stringify(value)) as unknown));

async function lockHead(tx: Tx): Promise<Head> {
  // An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite, in one statement.
  const rows = await tx.$queryRawUnsafe<{ seq: bigint | number | string; hash: string; sealedAt: Date | string | number | null }[]>(
    `UPDATE "AuditChainHead" SET "seq" = "seq" WHERE "id" = 1 RETURNING "seq", "hash", "sealedAt"`,
  );
  if (!rows.length) throw new Error("the audit chain's head is missing (migration 0009_audit_chain did not run?)");
  const [row] = rows;
  return { seq: Number(row.seq), hash: row.hash, sealedAt: row.sealedAt == null ? null : new Date(row.sealedAt) };
}

// Raw statements where every append pays: a Prisma model query compiles its plan in
// WebAssembly on the event loop (1.5–2 ms each measured on the development machine),
// a raw one does not. Raw parameters are converted like the model's (Dates by the
// adapter, JSON as text or jsonb), so the rows are the ones createMany would write.

async function moveHead(tx: Tx, head: Head): Promise<void> {
  await tx.$executeRawUnsafe(
    placeholders(`UPDATE "AuditChainHead" SET "seq" = $1, "hash" = $2, "sealedAt" = $3 WHERE "id" = 1`),
    head.seq,
    head.hash,
    head.sealedAt,
  );
}

const EVENT_COLUMNS = [
  "id",
  "createdAt",
  "kind",
  "bridgeId",
  "sessionId",
  "server",
  "tool",
  "argumentsHash",
  "ruleName",
  "policyVersion",
  "approvalId",
  "actorId",
  "latencyMs",
  "detail",
  "arguments",
  "principal",
  "seq",
  "prevHash",
  "hash",
  "personalDigest",
  "personalSalt",
  "sourceId",
] as const;
const JSON_COLUMNS = new Set<string>(["detail", "arguments"]);
/** Appends of up to this many events go through one raw statement; larger batches through createMany. */
const RAW_INSERT_MAX = 20;

/**
 * Inserts the events and moves the head. The head's lock is held from lockHead to the commit,
 * and every round trip in between waits for this process's event loop (on a busy machine,
 * for the scheduler too) while every other writer queues: on PostgreSQL the two writes go
 * in one statement (a data-modifying WITH runs to completion whether or not it is read).
 * SQLite runs in this process, with no round trip to save. A duplicate bridge event id
 * fails the whole statement (a unique violation, isUniqueViolation), so nothing is half-written.
 */
async function insertEventsAndMoveHead(tx: Tx, rows: Prisma.AuditEventCreateManyInput[], head: Head): Promise<void> {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const slots = EVENT_COLUMNS.map((column) => {
      const value = column === "id" ? randomUUID() : row[column];
      values.push(JSON_COLUMNS.has(column) ? jsonParam(value) : typeof value === "bigint" ? Number(value) : (value ?? null));
      return JSON_COLUMNS.has(column) ? jsonPlaceholder(values.length) : `$${values.length}`;
    });
    return `(${slots.join(", ")})`;
  });
  const columns = EVENT_COLUMNS.map((c) => `"${c}"`).join(", ");
  const insert = `INSERT INTO "AuditEvent" (${columns}) VALUES ${tuples.join(", ")}`;
  if (!isPostgres()) {
    await tx.$executeRawUnsafe(placeholders(insert), ...values);
    await moveHead(tx, head);
    return;
  }
  const n = values.length;
  await tx.$executeRawUnsafe(
    `WITH "inserted" AS (${insert}) UPDATE "AuditChainHead" SET "seq" = $${n + 1}, "hash" = $${n + 2}, "sealedAt" = $${n + 3} WHERE "id" = 1`,
    ...values,
    head.seq,
    head.hash,
    head.sealedAt,
  );
}

function chainEventOf(
  input: Omit<ChainEvent, "seq" | "prevHash" | "personalDigest" | "createdAt"> & { createdAt: Date },
  seq: number,
  prevHash: string,
  digest: string | null,
) {
  const event: ChainEvent = { ...input, createdAt: input.createdAt.toISOString(), seq, prevHash, personalDigest: digest };
  return { event, hash: eventHash(event) };
}

/** Events written before the chain existed (an upgraded database) join it once, in their order, on the first append. */
async function sealLegacyEvents(tx: Tx, head: Head): Promise<void> {
  for (;;) {
    const batch = await tx.auditEvent.findMany({ where: { seq: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 500 });
    if (!batch.length) break;
    for (const row of batch) {
      const salt = randomBytes(16).toString("hex");
      const latencyMs = roundLatency(row.latencyMs);
      const digest = personalDigest({ principal: row.principal, arguments: row.arguments }, salt);
      const { hash } = chainEventOf({ ...row, latencyMs, detail: row.detail }, head.seq + 1, head.hash, digest);
      await tx.auditEvent.update({
        where: { id: row.id },
        data: { seq: BigInt(head.seq + 1), prevHash: head.hash, hash, latencyMs, personalDigest: digest, personalSalt: digest ? salt : null },
      });
      head.seq += 1;
      head.hash = hash;
      // Signed as it goes, like any other stretch of the chain: verify expects a checkpoint near every multiple.
      if (head.seq % CHECKPOINT_EVERY === 0) await writeCheckpoint(tx, head);
    }
  }
  head.sealedAt = new Date();
}

async function writeCheckpoint(tx: Tx, head: Head): Promise<void> {
  const key = auditSigningKey();
  const createdAt = new Date();
  const signature = signMessage(key, checkpointMessage({ seq: head.seq, hash: head.hash, createdAt: createdAt.toISOString() }));
  await tx.auditCheckpoint.create({ data: { seq: BigInt(head.seq), hash: head.hash, createdAt, keyId: key.keyId, signature } });
}

/** Appends events to the chain inside the caller's transaction; returns their positions. */
export async function appendAudit(tx: Tx, inputs: AuditInput[]): Promise<number[]> {
  if (!inputs.length) return [];
  const head = await lockHead(tx);
  // Taken before sealing: a sealed legacy trail is signed by this append's checkpoint too.
  const startSeq = head.seq;
  if (!head.sealedAt) await sealLegacyEvents(tx, head);
  const rows: Prisma.AuditEventCreateManyInput[] = [];
  for (const input of inputs) {
    const createdAt = input.createdAt ?? new Date();
    const args = plainJson(input.arguments);
    const detail = plainJson(input.detail);
    const principal = input.principal ?? null;
    const salt = randomBytes(16).toString("hex");
    const digest = personalDigest({ principal, arguments: args }, salt);
    const latencyMs = roundLatency(input.latencyMs);
    const seq = head.seq + 1;
    // The hashed fields, once: what the hash covers is exactly what the row stores.
    const fields = {
      createdAt,
      kind: input.kind,
      bridgeId: input.bridgeId ?? null,
      sessionId: input.sessionId ?? null,
      server: input.server ?? null,
      tool: input.tool ?? null,
      argumentsHash: input.argumentsHash ?? null,
      ruleName: input.ruleName ?? null,
      policyVersion: input.policyVersion ?? null,
      approvalId: input.approvalId ?? null,
      actorId: input.actorId ?? null,
      latencyMs,
    };
    const { hash } = chainEventOf({ ...fields, detail }, seq, head.hash, digest);
    rows.push({
      ...fields,
      detail: (detail ?? undefined) as Prisma.InputJsonValue | undefined,
      arguments: (args ?? undefined) as Prisma.InputJsonValue | undefined,
      principal,
      seq: BigInt(seq),
      prevHash: head.hash,
      hash,
      personalDigest: digest,
      personalSalt: digest ? salt : null,
      sourceId: input.sourceId ?? null,
    });
    head.seq = seq;
    head.hash = hash;
  }
  if (rows.length <= RAW_INSERT_MAX) await insertEventsAndMoveHead(tx, rows, head);
  else {
    await tx.auditEvent.createMany({ data: rows });
    await moveHead(tx, head);
  }
  if (Math.floor(head.seq / CHECKPOINT_EVERY) > Math.floor(startSeq / CHECKPOINT_EVERY)) await writeCheckpoint(tx, head);
  return rows.map((r) => Number(r.seq));
}

/** Appends in a transaction of its own (for writers that have none). */
export function recordAudit(inputs: AuditInput[]): Promise<number[]> {
  return db.$transaction((tx) => appendAudit(tx, inputs));
}

/**
 * Signs the chain's head if events arrived since the last checkpoint: the dashboard calls it
 * on a timer, so a quiet trail is covered within minutes, not only every N events.
 */
export async function checkpointHead(): Promise<number | null> {
  return db.$transaction(async (tx) => {
    const head = await lockHead(tx);
    if (head.seq === 0) return null;
    const last = await tx.auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
    if (last && Number(last.seq) >= head.seq) return null;
    await writeCheckpoint(tx, head);
    return head.seq;
  });
}
