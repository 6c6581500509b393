import type { TCreateApproval } from "../bridge-api/bridge-api.types";
import { hashArguments } from "../crypto/canonical-hash";
import { AppError } from "../errors/app-error";
import { db, type Prisma } from "../db/prisma";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { APPROVAL_SUMMARY_INCLUDE, toApprovalSummary } from "./approval-views";

export interface CreateApprovalOptions {
  bridgeId: string;
  input: TCreateApproval;
}

/** Records a held call as a pending request and tells connected reviewers. */
export async function createApproval({ bridgeId, input }: CreateApprovalOptions) {
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
      bridgeId,
      requiredApprovers: approvers,
      expiresAt: new Date(Date.now() + timeoutSeconds * 1000),
    },
    include: APPROVAL_SUMMARY_INCLUDE,
  });
  const summary = toApprovalSummary(approval);
  getIo()?.to(ROOM_REVIEWERS).emit("approval:created", summary);
  return { ...summary, comment: null, approvedArguments: null, decidedBy: null };
}
