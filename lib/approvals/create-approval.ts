import type { TCreateApproval } from "../bridge-api/bridge-api.types";
import { hashArguments } from "../crypto/canonical-hash";
import { AppError } from "../errors/app-error";
import { db, type Prisma } from "../db/prisma";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { toApprovalSummary } from "./approval-views";

export interface CreateApprovalOptions {
  /** The authenticated bridge (its name is shown to reviewers). */
  bridge: { id: string; name: string };
  input: TCreateApproval;
}

/** Records a held call as a pending request and tells connected reviewers. */
export async function createApproval({ bridge, input }: CreateApprovalOptions) {
  // The hash binds the grant to the exact call; a bridge that sends arguments
  // and a hash that disagree is refused rather than trusted.
  if (hashArguments(input.arguments) !== input.argumentsHash) {
    throw new AppError("invalid_input", { message: "argumentsHash does not match the arguments" });
  }
  const { timeoutSeconds, approvers, arguments: args, inputSchema, context, ...fields } = input;
  const approval = await db.approvalRequest.create({
    data: {
      ...fields,
      arguments: args as Prisma.InputJsonObject,
      inputSchema: inputSchema as Prisma.InputJsonObject | undefined,
      context: context as Prisma.InputJsonArray,
      bridgeId: bridge.id,
      requiredApprovers: approvers,
      expiresAt: new Date(Date.now() + timeoutSeconds * 1000),
    },
  });
  // Built from the row just written and the bridge already known: one INSERT on the way to the reviewers, no read-back.
  const summary = toApprovalSummary({ ...approval, bridge: { name: bridge.name } });
  getIo()?.to(ROOM_REVIEWERS).emit("approval:created", summary);
  return { ...summary, comment: null, approvedArguments: null, decidedBy: null };
}
