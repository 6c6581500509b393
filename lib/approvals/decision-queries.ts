import { randomUUID } from "node:crypto";
import { type ApprovalRequest, db, type Prisma } from "../db/prisma";
import { isPostgres, jsonParam, jsonPlaceholder, placeholders } from "../db/raw-sql";

// The decision path's statements as raw SQL, through the same Prisma client and
// transaction. Each Prisma model query compiles its plan in WebAssembly on the event
// loop (about 1.5–2 ms each on the development machine, measured); a raw statement
// skips the compiler. Raw results come back typed as the model's (Dates, parsed
// JSON) on both databases, so the rows below are the rows Prisma would return.

type Tx = Prisma.TransactionClient;

/** The request as `db.approvalRequest.findUnique` returns it, or null. */
export async function findApprovalRow(approvalId: string): Promise<ApprovalRequest | null> {
  const rows = await db.$queryRawUnsafe<ApprovalRequest[]>(placeholders(`SELECT * FROM "ApprovalRequest" WHERE "id" = $1`), approvalId);
  return rows[0] ?? null;
}

/** Bumps the request's revision while it is pending (the row lock quorum counting relies on); false when it is no longer pending. */
export async function bumpRevision(tx: Tx, approvalId: string): Promise<boolean> {
  const count = await tx.$executeRawUnsafe(
    placeholders(`UPDATE "ApprovalRequest" SET "revision" = "revision" + 1 WHERE "id" = $1 AND "status" = 'pending'`),
    approvalId,
  );
  return count === 1;
}

export interface DecisionRow {
  approvalId: string;
  reviewerId: string;
  decision: string;
  comment: string | null;
  argumentsHash: string;
  editedArguments: unknown;
  createdAt: Date;
}

/**
 * Records one reviewer's decision; false when this reviewer already decided on these
 * arguments (the unique index on approval, reviewer and hash says so, whatever the timing:
 * a concurrent twin waits for the first to commit, then inserts nothing).
 */
export async function insertDecision(tx: Tx, d: DecisionRow): Promise<boolean> {
  const count = await tx.$executeRawUnsafe(
    placeholders(
      `INSERT INTO "Decision" ("id", "approvalId", "reviewerId", "decision", "comment", "argumentsHash", "editedArguments", "createdAt")
       VALUES ($1, $2, $3, $4, $5, $6, ${jsonPlaceholder(7)}, $8) ON CONFLICT DO NOTHING`,
    ),
    randomUUID(),
    d.approvalId,
    d.reviewerId,
    d.decision,
    d.comment,
    d.argumentsHash,
    jsonParam(d.editedArguments),
    d.createdAt,
  );
  return count === 1;
}

/** How many approvals these exact arguments have. */
export async function countApprovals(tx: Tx, approvalId: string, argumentsHash: string): Promise<number> {
  const [row] = await tx.$queryRawUnsafe<{ n: bigint | number }[]>(
    placeholders(`SELECT COUNT(*) AS "n" FROM "Decision" WHERE "approvalId" = $1 AND "decision" = 'approve' AND "argumentsHash" = $2`),
    approvalId,
    argumentsHash,
  );
  return Number(row.n);
}

export interface Settlement {
  status: "approved" | "rejected";
  decidedAt: Date;
  outcome: string;
  /** Approved: what runs, and its hash. */
  approved?: { args: unknown; hash: string };
}

/** Moves a pending request to its decided status; false when it was no longer pending (another decision won). */
export async function settleApproval(tx: Tx, approvalId: string, s: Settlement): Promise<boolean> {
  // Placeholders numbered in order of appearance: SQLite's `?` are positional.
  const status = isPostgres() ? `CAST($1 AS "ApprovalStatus")` : "$1";
  const approved = s.approved ? `, "approvedArguments" = ${jsonPlaceholder(4)}, "approvedArgumentsHash" = $5` : "";
  const id = s.approved ? "$6" : "$4";
  const count = await tx.$executeRawUnsafe(
    placeholders(`UPDATE "ApprovalRequest" SET "status" = ${status}, "decidedAt" = $2, "outcome" = $3${approved} WHERE "id" = ${id} AND "status" = 'pending'`),
    s.status,
    s.decidedAt,
    s.outcome,
    ...(s.approved ? [jsonParam(s.approved.args), s.approved.hash] : []),
    approvalId,
  );
  return count === 1;
}

/** The request as the bridge's result report needs it, when it belongs to this bridge; null otherwise. */
export async function findBridgeApprovalRow(approvalId: string, bridgeId: string): Promise<ApprovalRequest | null> {
  const rows = await db.$queryRawUnsafe<ApprovalRequest[]>(
    placeholders(`SELECT * FROM "ApprovalRequest" WHERE "id" = $1 AND "bridgeId" = $2`),
    approvalId,
    bridgeId,
  );
  return rows[0] ?? null;
}

export interface Execution {
  outcome: string;
  executedAt: Date;
  /** Absent: the column is left as it is. */
  executedArguments?: unknown;
  executionError: string | null;
}

/** Records what became of an approved (or expired, let through) request, once; false when it is not such a request or was already recorded. */
export async function recordExecution(tx: Tx, approvalId: string, e: Execution): Promise<boolean> {
  const hasArguments = e.executedArguments != null;
  const count = await tx.$executeRawUnsafe(
    placeholders(
      `UPDATE "ApprovalRequest" SET "outcome" = $1, "executedAt" = $2, "executionError" = $3${hasArguments ? `, "executedArguments" = ${jsonPlaceholder(4)}` : ""}
       WHERE "id" = ${hasArguments ? "$5" : "$4"} AND "status" IN ('approved', 'expired') AND "executedAt" IS NULL`,
    ),
    e.outcome,
    e.executedAt,
    e.executionError,
    ...(hasArguments ? [jsonParam(e.executedArguments)] : []),
    approvalId,
  );
  return count === 1;
}
