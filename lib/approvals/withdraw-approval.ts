import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { recordApprovalResult } from "./record-approval-result";

/**
 * A bridge gave up on a creation it could not confirm (the dashboard was slow
 * or unreachable, or its client went away): if the request exists and is still
 * pending it is withdrawn, so reviewers do not approve work nobody waits for.
 */
export async function withdrawApprovalByKey({ bridgeId, idempotencyKey }: { bridgeId: string; idempotencyKey: string }) {
  const approval = await db.approvalRequest.findUnique({
    where: { bridgeId_idempotencyKey: { bridgeId, idempotencyKey } },
    select: { id: true, status: true },
  });
  if (!approval) throw new AppError("not_found", { message: "no request was created with this key" });
  if (approval.status === "pending") {
    try {
      await recordApprovalResult({ bridgeId, approvalId: approval.id, result: { outcome: "withdrawn" } });
      return { id: approval.id, status: "withdrawn" as const };
    } catch (error) {
      // Decided a moment ago: fall through and record that the approval was never used.
      if (!(error instanceof AppError && error.code === "conflict")) throw error;
    }
  }
  await recordUnused(approval.id);
  return { id: approval.id, status: (await db.approvalRequest.findUniqueOrThrow({ where: { id: approval.id }, select: { status: true } })).status };
}

/** An approval the bridge will never run (it gave up first) says so, instead of looking approved-and-pending forever. */
async function recordUnused(approvalId: string) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.approvalRequest.updateMany({
      where: { id: approvalId, status: "approved", executedAt: null },
      data: { outcome: "withdrawn", executedAt: new Date(), executionError: "the bridge gave up on this call before the decision reached it; it was not run" },
    });
    if (count !== 1) return;
    const a = await tx.approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
    await appendAudit(tx, [
      {
        kind: "withdrawn",
        bridgeId: a.bridgeId,
        sessionId: a.sessionId,
        server: a.server,
        tool: a.tool,
        argumentsHash: a.argumentsHash,
        approvalId,
        detail: { after: "approved", reason: "bridge gave up" },
      },
    ]);
  });
}
