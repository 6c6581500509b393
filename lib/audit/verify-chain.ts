import { db } from "../db/prisma";
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

export async function verifyAuditChain(range: VerifyRange = {}, keys: PublicKey[] = verificationKeys()): Promise<VerifyReport> {
  const head = await db.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
  const headSeq = Number(head.seq);
  const from = Math.max(1, range.fromSeq ?? 1);
  const to = range.toSeq;
  // A walk from the middle starts from the stored hash before it (checked by the walk that covers it).
  const before = from > 1 ? await db.auditEvent.findUnique({ where: { seq: BigInt(from - 1) }, select: { hash: true } }) : null;
  const walker = new ChainWalker(keys, from === 1 ? { seq: 0, hash: GENESIS_HASH } : before?.hash ? { seq: from - 1, hash: before.hash } : null);
  // Purges are recorded in the chain (and checked when walked): read ahead, they let purged events through.
  for (const purge of await db.auditEvent.findMany({ where: { kind: "audit_purged" }, select: { detail: true } })) walker.addPurgeRecord(purge.detail);
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
  const walkedToEnd = to === undefined || to >= headSeq;
  if (walkedToEnd && !walker.isFull) {
    const lastSeq = summary.lastSeq ?? from - 1;
    if (lastSeq < headSeq) {
      problems.push({
        kind: "deleted",
        seq: lastSeq + 1,
        message: `the chain's head is event ${headSeq} but the trail ends at ${lastSeq}: events were deleted from its end`,
      });
    } else if (lastSeq > headSeq) {
      problems.push({ kind: "inserted", seq: headSeq + 1, message: `events past the chain's head (${headSeq}) were added outside Airlock` });
    } else if (summary.lastHash && summary.lastHash !== head.hash) {
      problems.push({ kind: "edited", seq: headSeq, message: `event ${headSeq} does not match the chain's head: the end of the chain was rewritten` });
    }
  }
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
