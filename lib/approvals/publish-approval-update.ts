import type { TApprovalState } from "../bridge-api/bridge-api.types";
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
  publishApprovalState(approval.bridgeId, toApprovalState(approval));
}

/** Pushes a state the caller already holds (it must match what was committed). */
export function publishApprovalState(bridgeId: string, state: TApprovalState & { outcome: string | null }): void {
  getIo()?.to(ROOM_REVIEWERS).to(bridgeRoom(bridgeId)).emit("approval:updated", state);
}
