import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { APPROVAL_STATE_INCLUDE, toApprovalState } from "./approval-views";
import { expireApproval } from "./expire-approvals";

/** The state a bridge polls for; a bridge sees only its own requests. */
export async function getApprovalState({ bridgeId, approvalId }: { bridgeId: string; approvalId: string }) {
  const approval = await db.approvalRequest.findFirst({ where: { id: approvalId, bridgeId } });
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  const isPastDeadline = approval.status === "pending" && approval.expiresAt.getTime() <= Date.now();
  if (isPastDeadline) await expireApproval(approvalId); // or the expiry sweep just did: read it again either way
  // A pending request that needs one approver has no decision yet: the common case (a bridge starting to wait) is one read.
  if (!isPastDeadline && approval.status === "pending" && approval.requiredApprovers <= 1) return toApprovalState({ ...approval, decisions: [] });
  const current = await db.approvalRequest.findUnique({ where: { id: approvalId }, include: APPROVAL_STATE_INCLUDE });
  return toApprovalState(current!);
}
