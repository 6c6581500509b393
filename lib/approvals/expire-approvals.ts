import { appendAudit } from "../audit/chain";
import { isBridgeInstanceGone } from "../bridges/bridge-presence";
import { db, type Prisma } from "../db/prisma";
import { dispatchApprovalEvent } from "../notifications/dispatch";
import { publishApprovalUpdate } from "./publish-approval-update";
import { prepareReceipt } from "./receipt";

/** Expires one pending request whose deadline passed (or whose bridge is gone); returns whether it changed. */
export async function expireApproval(approvalId: string, reason: "expired" | "bridge_gone" = "expired"): Promise<boolean> {
  // The status and its audit event commit together: an expiry is never without its record.
  const count = await db.$transaction(async (tx) => {
    const { count } = await tx.approvalRequest.updateMany({
      where: { id: approvalId, status: "pending", ...(reason === "expired" ? { expiresAt: { lte: new Date() } } : {}) },
      data: { status: "expired", outcome: reason, decidedAt: new Date() },
    });
    if (count === 1) await recordExpiry(tx, approvalId, reason);
    return count;
  });
  if (count === 1) {
    await publishApprovalUpdate(approvalId);
    dispatchApprovalEvent("approval.expired", approvalId);
  }
  return count === 1;
}

/**
 * Expires the pending requests whose bridge process is gone (no socket, no
 * request for the grace period): nobody would run them, so nobody may approve
 * them. They end as expired with the outcome "bridge_gone".
 */
export async function expireAbandonedApprovals(now = Date.now()): Promise<string[]> {
  const pending = await db.approvalRequest.findMany({
    where: { status: "pending", bridgeInstance: { not: null } },
    select: { id: true, bridgeInstance: true },
    take: 5_000,
  });
  const gone: string[] = [];
  for (const { id, bridgeInstance } of pending) {
    if ((await isBridgeInstanceGone(bridgeInstance, now)) && (await expireApproval(id, "bridge_gone"))) gone.push(id);
  }
  return gone;
}

/** Expires every pending request past its deadline (the server runs this every second). */
export async function expireDueApprovals(now = new Date()): Promise<string[]> {
  const due = await db.approvalRequest.findMany({
    where: { status: "pending", expiresAt: { lte: now } },
    select: { id: true },
    take: 500,
  });
  const expired: string[] = [];
  for (const { id } of due) {
    if (await expireApproval(id)) expired.push(id);
  }
  return expired;
}

async function recordExpiry(tx: Prisma.TransactionClient, approvalId: string, reason: "expired" | "bridge_gone") {
  const a = await tx.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
  // Read before the append: only the receipt's one write waits under the chain's lock.
  const writeReceipt = await prepareReceipt(tx, approvalId);
  const [seq] = await appendAudit(tx, [
    {
      kind: "decided",
      bridgeId: a.bridgeId,
      sessionId: a.sessionId,
      server: a.server,
      tool: a.tool,
      argumentsHash: a.argumentsHash,
      ruleName: a.ruleName,
      policyVersion: a.policyVersion,
      approvalId: a.id,
      latencyMs: Date.now() - a.createdAt.getTime(),
      detail: { decision: "expire", resultingStatus: "expired", ...(reason === "bridge_gone" ? { reason: "the bridge holding the call is gone" } : {}) },
    },
  ]);
  await writeReceipt(seq);
}
