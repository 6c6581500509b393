import { db } from "../db/prisma";
import { publishApprovalUpdate } from "./publish-approval-update";

/** Expires one pending request whose deadline passed; returns whether it changed. */
export async function expireApproval(approvalId: string): Promise<boolean> {
  const { count } = await db.approvalRequest.updateMany({
    where: { id: approvalId, status: "pending", expiresAt: { lte: new Date() } },
    data: { status: "expired", outcome: "expired", decidedAt: new Date() },
  });
  if (count === 1) {
    await recordExpiry([approvalId]);
    await publishApprovalUpdate(approvalId);
  }
  return count === 1;
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

async function recordExpiry(ids: string[]) {
  const rows = await db.approvalRequest.findMany({ where: { id: { in: ids } } });
  await db.auditEvent.createMany({
    data: rows.map((a) => ({
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
      detail: { decision: "expire", resultingStatus: "expired" },
    })),
  });
}
