import { CHAIN_VERSION } from "../audit/chain-hash";
import { auditSigningKey, type PublicKey, signMessage, verifyMessage } from "../audit/signing-key";
import { canonicalJson } from "../crypto/canonical-hash";
import type { ApprovalRequest, Prisma } from "../db/prisma";
import { jsonParam, jsonPlaceholder, placeholders } from "../db/raw-sql";

// An approval receipt: the signed statement of who decided which exact call, under which
// rule and policy version, and where that decision sits in the audit chain. Written in the
// decision's transaction; the execution is added, signed on its own, when the bridge reports
// what the upstream received. Signed with the audit chain's Ed25519 key (README: Audit trail).

type Tx = Prisma.TransactionClient;

export interface ReceiptDecision {
  reviewer: string;
  decision: string;
  argumentsHash: string;
  at: string;
}

export interface ReceiptBody {
  type: "airlock.approval.receipt";
  v: number;
  requestId: string;
  status: "approved" | "rejected" | "expired";
  stage: string;
  principal: string | null;
  bridgeId: string;
  sessionId: string;
  server: string;
  tool: string;
  /** Canonical SHA-256 of the arguments: as the agent proposed them, and as the approvers approved them (null unless approved). */
  argumentsHash: { proposed: string; approved: string | null };
  policyVersion: number | null;
  rule: string | null;
  requiredApprovers: number;
  decisions: ReceiptDecision[];
  decidedAt: string;
  /** Until when the approval could be acted on. */
  expiresAt: string;
  /** The decision's position in the audit chain. */
  chain: { seq: number };
}

export interface ExecutionBody {
  type: "airlock.approval.execution";
  v: number;
  requestId: string;
  outcome: string;
  /** Canonical SHA-256 of the arguments the upstream received (redacted values restored by the bridge). */
  argumentsHash: string | null;
  at: string;
  chain: { seq: number };
}

export type Signed<T> = T & { keyId: string; signature: string };

export interface Receipt extends Signed<ReceiptBody> {
  execution?: Signed<ExecutionBody>;
}

function sign<T extends object>(body: T): Signed<T> {
  const key = auditSigningKey();
  return { ...body, keyId: key.keyId, signature: signMessage(key, Buffer.from(canonicalJson(body))) };
}

function verifySigned(signed: Signed<object>, keys: PublicKey[]): boolean {
  const { keyId, signature, ...body } = signed as Signed<object> & { execution?: unknown };
  delete (body as { execution?: unknown }).execution;
  const key = keys.find((k) => k.keyId === keyId);
  return !!key && verifyMessage(key, Buffer.from(canonicalJson(body)), signature);
}

/** Whether a receipt (and its execution, if any) is signed by one of these keys and unaltered. */
export function verifyReceipt(receipt: Receipt, keys: PublicKey[]): { receipt: boolean; execution: boolean | null } {
  return { receipt: verifySigned(receipt, keys), execution: receipt.execution ? verifySigned(receipt.execution, keys) : null };
}

/**
 * Reads what the receipt of a request that was just decided (approved, rejected, or expired)
 * states, in the decision's transaction and before its audit append: the returned function
 * signs it with the decision's place in the chain and writes it, one statement while the
 * chain's lock is held (chain.ts says why that matters).
 */
export async function prepareReceipt(tx: Tx, approvalId: string): Promise<(chainSeq: number) => Promise<Receipt>> {
  // Raw reads and write (decision-queries.ts says why): this runs inside every decision's transaction.
  const [a] = await tx.$queryRawUnsafe<ApprovalRequest[]>(placeholders(`SELECT * FROM "ApprovalRequest" WHERE "id" = $1`), approvalId);
  if (!a) throw new Error(`approval request ${approvalId} not found`);
  const status = a.status;
  if (status !== "approved" && status !== "rejected" && status !== "expired") throw new Error(`no receipt for a ${status} request`);
  const decisions = await tx.$queryRawUnsafe<{ email: string; decision: string; argumentsHash: string; createdAt: Date }[]>(
    placeholders(
      `SELECT u."email", d."decision", d."argumentsHash", d."createdAt" FROM "Decision" d JOIN "User" u ON u."id" = d."reviewerId"
       WHERE d."approvalId" = $1 ORDER BY d."createdAt" ASC`,
    ),
    approvalId,
  );
  return async (chainSeq) => {
    const receipt = sign<ReceiptBody>({
      type: "airlock.approval.receipt",
      v: CHAIN_VERSION,
      requestId: a.id,
      status,
      stage: a.stage,
      principal: a.principal,
      bridgeId: a.bridgeId,
      sessionId: a.sessionId,
      server: a.server,
      tool: a.tool,
      argumentsHash: { proposed: a.argumentsHash, approved: status === "approved" ? a.approvedArgumentsHash : null },
      policyVersion: a.policyVersion,
      rule: a.ruleName,
      requiredApprovers: a.requiredApprovers,
      decisions: decisions.map((d) => ({ reviewer: d.email, decision: d.decision, argumentsHash: d.argumentsHash, at: d.createdAt.toISOString() })),
      decidedAt: (a.decidedAt ?? new Date()).toISOString(),
      expiresAt: a.expiresAt.toISOString(),
      chain: { seq: chainSeq },
    });
    await tx.$executeRawUnsafe(placeholders(`UPDATE "ApprovalRequest" SET "receipt" = ${jsonPlaceholder(1)} WHERE "id" = $2`), jsonParam(receipt), approvalId);
    return receipt;
  };
}

/**
 * Reads a request's receipt before the audit append of its execution; the returned function
 * adds what the upstream received, signed on its own, in one statement (as prepareReceipt).
 */
export async function prepareExecution(tx: Tx, approvalId: string): Promise<(execution: Omit<ExecutionBody, "type" | "v" | "requestId">) => Promise<void>> {
  // Raw, as prepareReceipt: the bridge reports every approved call's run.
  const [a] = await tx.$queryRawUnsafe<{ receipt: unknown }[]>(placeholders(`SELECT "receipt" FROM "ApprovalRequest" WHERE "id" = $1`), approvalId);
  if (!a) throw new Error(`approval request ${approvalId} not found`);
  const receipt = a.receipt;
  return async (execution) => {
    if (!receipt) return;
    const signed = sign<ExecutionBody>({ type: "airlock.approval.execution", v: CHAIN_VERSION, requestId: approvalId, ...execution });
    await tx.$executeRawUnsafe(
      placeholders(`UPDATE "ApprovalRequest" SET "receipt" = ${jsonPlaceholder(1)} WHERE "id" = $2`),
      jsonParam({ ...(receipt as object), execution: signed }),
      approvalId,
    );
  };
}

/** After an erasure: the receipt is signed again without the principal (its execution, which names nobody, is kept). */
export async function reissueWithoutPrincipal(tx: Tx, approvalId: string): Promise<void> {
  const a = await tx.approvalRequest.findUniqueOrThrow({ where: { id: approvalId }, select: { receipt: true } });
  if (!a.receipt) return;
  const { keyId: _keyId, signature: _signature, execution, ...body } = a.receipt as unknown as Receipt;
  const reissued: Receipt = { ...sign<ReceiptBody>({ ...body, principal: null }), ...(execution ? { execution } : {}) };
  await tx.approvalRequest.update({ where: { id: approvalId }, data: { receipt: reissued as unknown as Prisma.InputJsonValue } });
}
