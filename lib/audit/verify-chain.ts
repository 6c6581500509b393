import { db } from "../db/prisma";
import { CHECKPOINT_EVERY, MAX_APPEND } from "./chain";
import { GENESIS_HASH } from "./chain-hash";
import { openChainReader } from "./chain-reader";
import { type ChainProblem, ChainWalker } from "./chain-walker";
import { auditSigningKey, type PublicKey } from "./signing-key";

// `airlock audit verify` and GET /api/audit/verify: walk the chain in the database in
// pages (constant memory) and name the first broken link.

const PAGE = 5_000;

export interface VerifyRange {
  /** First and last position to walk (inclusive); the whole chain when absent. */
  fromSeq?: number;
  toSeq?: number;
}

export interface VerifyReport {
  ok: boolean;
  checked: number;
  range: { from: number | null; to: number | null };
  head: { seq: number; hash: string };
  checkpoints: { checked: number; lastValid: number | null };
  /** Events after the last valid checkpoint: their order and content are only as safe as the database. */
  unsigned: number;
  /** Events whose content retention purged. */
  purged: number;
  firstProblem: ChainProblem | null;
  problems: ChainProblem[];
}

/** Keys checkpoints may be signed with: this dashboard's, and older ones an operator lists. */
export function verificationKeys(): PublicKey[] {
  const { keyId, publicKey } = auditSigningKey();
  return [{ keyId, publicKey }];
}

async function missingCheckpoints(headSeq: number): Promise<ChainProblem[]> {
  const expected = Math.floor(headSeq / CHECKPOINT_EVERY);
  if (!expected) return [];
  const seqs = (await db.auditCheckpoint.findMany({ select: { seq: true }, orderBy: { seq: "asc" } })).map((c) => Number(c.seq));
  const missing: ChainProblem[] = [];
  let i = 0;
  for (let k = 1; k <= expected && missing.length < 10; k++) {
    const start = k * CHECKPOINT_EVERY;
    while (i < seqs.length && seqs[i] < start) i++;
    if (i < seqs.length && seqs[i] < start + MAX_APPEND) continue;
    missing.push({
      kind: "checkpoint",
      seq: start,
      message: `no signed checkpoint between events ${start} and ${start + MAX_APPEND - 1}: a checkpoint was deleted`,
    });
  }
  return missing;
}

export async function verifyAuditChain(range: VerifyRange = {}, keys: PublicKey[] = verificationKeys()): Promise<VerifyReport> {
  const head = await db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
  const headSeq = Number(head.seq);
  const from = Math.max(1, range.fromSeq ?? 1);
  // The walk stops at the head as it was when it began: events appended meanwhile (every append
  // moves the head in its own transaction) are the next walk's, not "inserted".
  const to = Math.min(range.toSeq ?? headSeq, headSeq);
  // A walk from the middle starts from the stored hash before it (checked by the walk that covers it).
  const before = from > 1 ? await db.auditEvent.findUnique({ where: { seq: BigInt(from - 1) }, select: { hash: true } }) : null;
  const walker = new ChainWalker(keys, from === 1 ? { seq: 0, hash: GENESIS_HASH } : before?.hash ? { seq: from - 1, hash: before.hash } : null);
  // Purges are recorded in the chain (and checked when walked): read ahead, they let purged events through.
  // Only records in the chain count (one written outside it vouches for nothing, and is named as inserted anyway).
  const purges = await db.auditEvent.findMany({
    where: { kind: "audit_purged", seq: { not: null } },
    select: { id: true, seq: true, createdAt: true, detail: true },
  });
  for (const purge of purges) walker.addPurgeRecord(purge.detail, { seq: Number(purge.seq), createdAt: purge.createdAt.toISOString(), id: purge.id });
  let after = from - 1;
  const reader = await openChainReader();
  try {
    for (;;) {
      // A turn of the event loop per page: a walk from the API must not stall the dashboard (SQLite answers synchronously).
      await new Promise<void>((resolve) => setImmediate(resolve));
      const page = await reader.page(after, to, PAGE);
      if (!page.length) break;
      for (const event of page) walker.event(event);
      const last = page[page.length - 1].seq;
      const checkpoints = await db.auditCheckpoint.findMany({ where: { seq: { gt: BigInt(after), lte: BigInt(last) } }, orderBy: { seq: "asc" } });
      for (const c of checkpoints) {
        walker.checkpoint({ seq: Number(c.seq), hash: c.hash, createdAt: c.createdAt.toISOString(), keyId: c.keyId, signature: c.signature });
      }
      after = last;
      if (walker.isFull || page.length < PAGE) break;
    }
  } finally {
    await reader.close();
  }
  // Checkpoints past the last event: the end of the chain was cut off after they were signed.
  const beyond = await db.auditCheckpoint.findMany({
    where: { seq: { gt: BigInt(after), ...(to !== undefined ? { lte: BigInt(to) } : {}) } },
    orderBy: { seq: "asc" },
    take: 10,
  });
  for (const c of beyond) walker.checkpoint({ seq: Number(c.seq), hash: c.hash, createdAt: c.createdAt.toISOString(), keyId: c.keyId, signature: c.signature });
  const summary = walker.finish();
  const problems = [...summary.problems];
  const walkedToEnd = to >= headSeq;
  if (walkedToEnd && !walker.isFull) {
    const lastSeq = summary.lastSeq ?? from - 1;
    // Rows past the head as it is now: an append inserts its rows and moves the head in one transaction, so none is Airlock's.
    const headNow = Number((await db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } })).seq);
    const past = await db.auditEvent.findFirst({ where: { seq: { gt: BigInt(headNow) } }, orderBy: { seq: "asc" }, select: { seq: true } });
    if (past) {
      problems.push({ kind: "inserted", seq: Number(past.seq), message: `events past the chain's head (${headNow}) were added outside Airlock` });
    } else if (lastSeq < headSeq) {
      problems.push({
        kind: "deleted",
        seq: lastSeq + 1,
        message: `the chain's head is event ${headSeq} but the trail ends at ${lastSeq}: events were deleted from its end`,
      });
    } else if (summary.lastHash && summary.lastHash !== head.hash) {
      problems.push({ kind: "edited", seq: headSeq, message: `event ${headSeq} does not match the chain's head: the end of the chain was rewritten` });
    }
  }
  // A checkpoint is signed whenever an append crosses a multiple of CHECKPOINT_EVERY: one missing
  // near a multiple was deleted (to rewrite what it signed).
  if (from === 1 && walkedToEnd && !walker.isFull) problems.push(...(await missingCheckpoints(headSeq)));
  // Rows without a position were written past the chain (by hand, in SQL): it never seals them.
  if (head.sealedAt) {
    const outside = await db.auditEvent.findMany({ where: { seq: null }, select: { id: true, createdAt: true, kind: true }, take: 10 });
    for (const r of outside) {
      problems.push({
        kind: "inserted",
        seq: null,
        id: r.id,
        message: `row ${r.id} (${r.kind}, ${r.createdAt.toISOString()}) has no place in the chain: inserted outside Airlock`,
      });
    }
  }
  problems.sort((a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER));
  const lastValid = summary.lastCheckpointSeq;
  return {
    ok: problems.length === 0,
    checked: summary.checked,
    range: { from: summary.firstSeq, to: summary.lastSeq },
    head: { seq: headSeq, hash: head.hash },
    checkpoints: { checked: summary.checkpoints, lastValid },
    unsigned: Math.max(0, (summary.lastSeq ?? 0) - (lastValid ?? 0)),
    purged: summary.purged,
    firstProblem: problems[0] ?? null,
    problems,
  };
}
