import type { TCreateApproval } from "../bridge-api/bridge-api.types";
import { touchBridgeInstance } from "../bridges/bridge-presence";
import { hashArguments } from "../crypto/canonical-hash";
import { isUniqueViolation } from "../db/database-errors";
import { db, type Prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { normalizeIdentity } from "../identity/normalize-identity";
import { dispatchApprovalEvent } from "../notifications/dispatch";
import { currentTraceParent } from "../observability/tracer";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { toApprovalSummary } from "./approval-views";
import { getApprovalState } from "./get-approval-state";

export interface CreateApprovalOptions {
  /** The authenticated bridge (its name is shown to reviewers). */
  bridge: { id: string; name: string };
  input: TCreateApproval;
}

/**
 * Records a held call as a pending request and tells connected reviewers.
 * Idempotent by the bridge's key: a bridge that timed out waiting for the
 * answer retries with the same key and gets the same request, never a second
 * one for reviewers to approve while the first is orphaned.
 */
export async function createApproval({ bridge, input }: CreateApprovalOptions) {
  // The hash binds the grant to the exact call; a bridge that sends arguments
  // and a hash that disagree is refused rather than trusted.
  if (hashArguments(input.arguments) !== input.argumentsHash) {
    throw new AppError("invalid_input", { message: "argumentsHash does not match the arguments" });
  }
  const {
    timeoutSeconds,
    approvers,
    escalateAfterSeconds,
    escalateTo,
    arguments: args,
    inputSchema,
    toolAnnotations,
    context,
    principal,
    heldResult,
    findings,
    chain,
    ...fields
  } = input;
  touchBridgeInstance(input.bridgeInstance ?? null);
  let approval: Awaited<ReturnType<typeof db.approvalRequest.create>>;
  try {
    approval = await db.approvalRequest.create({
      data: {
        ...fields,
        // Untrusted text from the agent: stored in the one spelling every comparison uses.
        principal: principal ? normalizeIdentity(principal) || null : null,
        principalVerified: !!principal && fields.principalVerified === true,
        arguments: args as Prisma.InputJsonObject,
        inputSchema: inputSchema as Prisma.InputJsonObject | undefined,
        toolAnnotations: toolAnnotations as Prisma.InputJsonObject | undefined,
        context: context as Prisma.InputJsonArray,
        heldResult: heldResult as Prisma.InputJsonObject | undefined,
        findings: findings as Prisma.InputJsonArray | undefined,
        chain: chain as Prisma.InputJsonObject | undefined,
        bridgeId: bridge.id,
        traceParent: currentTraceParent(),
        requiredApprovers: approvers,
        expiresAt: new Date(Date.now() + timeoutSeconds * 1000),
        ...(escalateAfterSeconds !== undefined && escalateAfterSeconds < timeoutSeconds
          ? { escalateAt: new Date(Date.now() + escalateAfterSeconds * 1000), escalateTo: (escalateTo ?? "admin") as Prisma.InputJsonValue }
          : {}),
      },
    });
  } catch (error) {
    if (!input.idempotencyKey || !isUniqueViolation(error)) throw error;
    return sameRequestAgain(bridge.id, input);
  }
  // Built from the row just written and the bridge already known: one INSERT on the way to the reviewers, no read-back.
  const summary = toApprovalSummary({ ...approval, bridge: { name: bridge.name } });
  getIo()?.to(ROOM_REVIEWERS).emit("approval:created", summary);
  // Reviewers who are not looking: after the commit, off the bridge's path (it never waits or fails for it).
  dispatchApprovalEvent("approval.created", approval.id);
  return { ...summary, comment: null, approvedArguments: null, approvedArgumentsHash: null, decidedBy: null };
}

/** A retried creation: the request the key made, which must be for the same call. */
async function sameRequestAgain(bridgeId: string, input: TCreateApproval) {
  const existing = await db.approvalRequest.findUnique({
    where: { bridgeId_idempotencyKey: { bridgeId, idempotencyKey: input.idempotencyKey! } },
    select: { id: true, argumentsHash: true },
  });
  if (!existing) throw new AppError("conflict", { message: "this idempotency key is in use; try again" });
  if (existing.argumentsHash !== input.argumentsHash) {
    throw new AppError("conflict", { message: "this idempotency key was used for a different call" });
  }
  return getApprovalState({ bridgeId, approvalId: existing.id });
}
