import { db } from "../db/prisma";
import { bridgeRoom, ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { APPROVAL_DETAIL_INCLUDE, toApprovalState } from "./approval-views";

/** Tells reviewers and the owning bridge that a request changed. Call only after the write committed. */
export async function publishApprovalUpdate(approvalId: string): Promise<void> {
  const io = getIo();
  if (!io) return;
  const approval = await db.approvalRequest.findUnique({ where: { id: approvalId }, include: APPROVAL_DETAIL_INCLUDE });
  if (!approval) return;
  const state = toApprovalState(approval);
  io.to(ROOM_REVIEWERS).to(bridgeRoom(approval.bridgeId)).emit("approval:updated", state);
}
