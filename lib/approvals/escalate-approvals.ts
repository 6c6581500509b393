import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { dispatchApprovalEvent } from "../notifications/dispatch";
import type { TEscalateTo } from "../policy/policy.types";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";

/**
 * Escalates one pending request whose escalation time passed: marks it (once:
 * a conditional update, so two sweeps or two instances escalate it once),
 * records it in the audit trail in the same transaction, then tells reviewers.
 * Escalation alerts more people; who may decide, and the default on timeout
 * (reject), do not change.
 */
export async function escalateApproval(approvalId: string, now = new Date()): Promise<boolean> {
  const escalated = await db.$transaction(async (tx) => {
    const { count } = await tx.approvalRequest.updateMany({
      where: { id: approvalId, status: "pending", escalatedAt: null, escalateAt: { lte: now } },
      data: { escalatedAt: now },
    });
    if (count !== 1) return null;
    const a = await tx.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
    await appendAudit(tx, [
      {
        kind: "escalated",
        bridgeId: a.bridgeId,
        sessionId: a.sessionId,
        server: a.server,
        tool: a.tool,
        argumentsHash: a.argumentsHash,
        ruleName: a.ruleName,
        policyVersion: a.policyVersion,
        approvalId: a.id,
        latencyMs: now.getTime() - a.createdAt.getTime(),
        detail: { escalateTo: a.escalateTo as TEscalateTo },
      },
    ]);
    return a;
  });
  if (!escalated) return false;
  getIo()
    ?.to(ROOM_REVIEWERS)
    .emit("approval:escalated", { id: escalated.id, escalatedAt: now.toISOString(), escalateTo: escalated.escalateTo as TEscalateTo });
  dispatchApprovalEvent("approval.escalated", escalated.id);
  return true;
}

/** Escalates every pending request past its escalation time (the server's sweep runs this every second). */
export async function escalateDueApprovals(now = new Date()): Promise<string[]> {
  const due = await db.approvalRequest.findMany({
    where: { status: "pending", escalatedAt: null, escalateAt: { lte: now } },
    select: { id: true },
    take: 500,
  });
  const done: string[] = [];
  for (const { id } of due) if (await escalateApproval(id, now)) done.push(id);
  return done;
}
