import { appendAudit } from "../audit/chain";
import type { TApprovalResult, TApprovalState } from "../bridge-api/bridge-api.types";
import { hashArguments } from "../crypto/canonical-hash";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { findBridgeApprovalRow, recordExecution } from "./decision-queries";
import { publishApprovalState, publishApprovalUpdate } from "./publish-approval-update";
import { prepareExecution } from "./receipt";

export interface RecordApprovalResultOptions {
  bridgeId: string;
  approvalId: string;
  result: TApprovalResult;
}

/**
 * The bridge reports what became of a request: withdrawn while pending (the
 * client cancelled), or executed / failed upstream after approval, or after
 * expiry when the rule's onTimeout let the call through. Each is accepted once;
 * a second report is a 409, so an approval cannot be spent twice. (A report
 * grants nothing: it records what the bridge did, for the audit trail.)
 */
export async function recordApprovalResult({ bridgeId, approvalId, result }: RecordApprovalResultOptions) {
  // Raw statements on the executed path (decision-queries.ts says why): the bridge reports every approved call's run.
  const approval = await findBridgeApprovalRow(approvalId, bridgeId);
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  const now = new Date();
  const isWithdrawal = result.outcome === "withdrawn";

  // The state change and its audit event commit together.
  const status = await db.$transaction(async (tx) => {
    const isRecorded = isWithdrawal
      ? (
          await tx.approvalRequest.updateMany({
            where: { id: approvalId, status: "pending" },
            data: { status: "withdrawn", outcome: "withdrawn", decidedAt: now },
          })
        ).count === 1
      : await recordExecution(tx, approvalId, {
          outcome: result.outcome,
          executedAt: now,
          executedArguments: result.executedArguments ?? undefined,
          executionError: result.error ?? null,
        });
    if (!isRecorded) {
      throw new AppError("conflict", {
        message: isWithdrawal ? `request is already ${approval.status}` : "request is not approved (nor expired) or its result was already recorded",
      });
    }
    // What the upstream received, by hash: the receipt's "as executed" next to its "as approved".
    const executedHash = result.executedArguments ? hashArguments(result.executedArguments) : null;
    const kind = isWithdrawal ? "withdrawn" : result.outcome === "executed" ? "executed" : result.outcome === "reheld" ? "reheld" : "failed";
    // Read before the append: only the receipt's one write waits under the chain's lock.
    const addExecution = kind === "executed" || kind === "failed" ? await prepareExecution(tx, approvalId) : null;
    const [seq] = await appendAudit(tx, [
      {
        kind,
        bridgeId,
        sessionId: approval.sessionId,
        server: approval.server,
        tool: approval.tool,
        argumentsHash: executedHash ?? approval.argumentsHash,
        ruleName: approval.ruleName,
        policyVersion: approval.policyVersion,
        approvalId,
        detail:
          result.error || executedHash
            ? { ...(result.error ? { error: result.error } : {}), ...(executedHash ? { proposedArgumentsHash: approval.argumentsHash } : {}) }
            : undefined,
      },
    ]);
    await addExecution?.({ outcome: kind, argumentsHash: executedHash, at: now.toISOString(), chain: { seq } });
    return isWithdrawal ? "withdrawn" : approval.status;
  });
  // A withdrawn request was pending: a reviewer's partial approval may have landed meanwhile, so it is read back.
  if (isWithdrawal) return publishApprovalUpdate(approvalId);
  // An executed one was decided long ago: reviewers' pages only need to learn the outcome (nothing here grants anything).
  publishApprovalState(bridgeId, {
    id: approvalId,
    status: status as TApprovalState["status"],
    expiresAt: approval.expiresAt.toISOString(),
    outcome: result.outcome,
    comment: null,
    decidedBy: null,
    approvedArguments: null,
    approvedArgumentsHash: null,
  });
}
