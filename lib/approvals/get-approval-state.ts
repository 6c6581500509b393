import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { APPROVAL_DETAIL_INCLUDE, toApprovalState } from "./approval-views";
import { expireApproval } from "./expire-approvals";

/** The state a bridge polls for; a bridge sees only its own requests. */
export async function getApprovalState({ bridgeId, approvalId }: { bridgeId: string; approvalId: string }) {
  let approval = await db.approvalRequest.findFirst({ where: { id: approvalId, bridgeId }, include: APPROVAL_DETAIL_INCLUDE });
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  if (approval.status === "pending" && approval.expiresAt.getTime() <= Date.now() && (await expireApproval(approvalId))) {
    approval = (await db.approvalRequest.findUnique({ where: { id: approvalId }, include: APPROVAL_DETAIL_INCLUDE }))!;
  }
  return toApprovalState(approval);
}
