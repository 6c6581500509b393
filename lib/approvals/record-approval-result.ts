import type { TApprovalResult } from "../bridge-api/bridge-api.types";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { APPROVAL_STATE_INCLUDE, toApprovalState } from "./approval-views";
import { publishApprovalState, publishApprovalUpdate } from "./publish-approval-update";

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
  const approval = await db.approvalRequest.findFirst({ where: { id: approvalId, bridgeId }, include: APPROVAL_STATE_INCLUDE });
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  const now = new Date();

  if (result.outcome === "withdrawn") {
    const { count } = await db.approvalRequest.updateMany({
      where: { id: approvalId, status: "pending" },
      data: { status: "withdrawn", outcome: "withdrawn", decidedAt: now },
    });
    if (count !== 1) throw new AppError("conflict", { message: `request is already ${approval.status}` });
  } else {
    const { count } = await db.approvalRequest.updateMany({
      where: { id: approvalId, status: { in: ["approved", "expired"] }, executedAt: null },
      data: {
        outcome: result.outcome,
        executedAt: now,
        executedArguments: (result.executedArguments ?? undefined) as object | undefined,
        executionError: result.error ?? null,
      },
    });
    if (count !== 1) {
      throw new AppError("conflict", { message: "request is not approved (nor expired) or its result was already recorded" });
    }
  }
  await db.auditEvent.create({
    data: {
      kind: result.outcome === "withdrawn" ? "withdrawn" : result.outcome === "executed" ? "executed" : result.outcome === "reheld" ? "reheld" : "failed",
      bridgeId,
      sessionId: approval.sessionId,
      server: approval.server,
      tool: approval.tool,
      argumentsHash: approval.argumentsHash,
      ruleName: approval.ruleName,
      policyVersion: approval.policyVersion,
      approvalId,
      detail: result.error ? { error: result.error } : undefined,
    },
  });
  // A withdrawn request was pending: a reviewer's partial approval may have landed meanwhile, so it is read back.
  if (result.outcome === "withdrawn") return publishApprovalUpdate(approvalId);
  // An executed one was approved or expired, and its decisions no longer change: pushed from what was read and written here.
  publishApprovalState(bridgeId, toApprovalState({ ...approval, outcome: result.outcome }));
}
