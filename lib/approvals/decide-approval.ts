import { appendAudit } from "../audit/chain";
import type { TRole } from "../auth/roles";
import { isBridgeInstanceGone } from "../bridges/bridge-presence";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { isGroupMember } from "../groups/change-groups";
import { isSameIdentity } from "../identity/normalize-identity";
import { dispatchApprovalEvent } from "../notifications/dispatch";
import { dashboardMetrics } from "../observability/dashboard-metrics";
import { linkToTrace } from "../observability/tracer";
import type { TDecideApprovalBody } from "./decide-approval.types";
import { bumpRevision, countApprovals, findApprovalRow, insertDecision, settleApproval } from "./decision-queries";
import { trackDecision } from "./decisions-in-flight";
import { expireApproval } from "./expire-approvals";
import { publishApprovalState, publishApprovalUpdate } from "./publish-approval-update";
import { prepareReceipt } from "./receipt";
import { resolveProposal } from "./resolve-proposal";

export interface DecideApprovalOptions {
  approvalId: string;
  reviewer: { id: string; email: string; role: TRole };
  body: TDecideApprovalBody;
  /** How the decision reached the dashboard, recorded in the audit event (a review link, confirmed with a passkey). */
  via?: { via: "review-link"; stepUp?: "passkey" };
}

function conflict(message: string) {
  return new AppError("conflict", { message });
}

/**
 * Records one reviewer's decision on one exact proposal (argument hash).
 *
 * A quorum counts approvals of the same hash only: an edit is a new proposal
 * that every required approver must approve, so nobody's approval is spent on
 * arguments they never saw. What the bridge runs is the proposal that reached
 * the quorum, with its hash.
 *
 * Concurrency: a quorum first bumps the request's revision, a row lock that
 * serialises deciders on PostgreSQL under READ COMMITTED (the count that
 * follows sees every committed approval); the pending → decided transition is
 * conditional, so of two final decisions one wins and the other gets 409. The
 * decision row, the state change and the audit event commit together or not at all.
 *
 * While it runs, alert work on this process waits (decisions-in-flight.ts).
 */
export function decideApproval(options: DecideApprovalOptions) {
  return trackDecision(decide(options));
}

async function decide({ approvalId, reviewer, body, via }: DecideApprovalOptions) {
  const approval = await findApprovalRow(approvalId);
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  linkToTrace(approval.traceParent);
  if (approval.status !== "pending") {
    throw conflict(
      approval.outcome === "bridge_gone"
        ? "the bridge holding this call is gone (its agent disconnected); the request expired and nothing will run"
        : `this request is already ${approval.status}`,
    );
  }
  if (approval.expiresAt.getTime() <= Date.now()) {
    await expireApproval(approval.id);
    throw conflict("this request has expired");
  }
  if (await isBridgeInstanceGone(approval.bridgeInstance)) {
    // Nobody would run it: an approval now would be a record of something that never happens.
    await expireApproval(approval.id, "bridge_gone");
    throw conflict("the bridge holding this call is gone (its agent disconnected); the request expired and nothing will run");
  }
  if (approval.approverRole === "admin" && reviewer.role !== "admin") {
    throw new AppError("forbidden", { message: "this request needs an admin's approval" });
  }
  if (approval.approverGroup && !(await isGroupMember({ groupName: approval.approverGroup, userId: reviewer.id }))) {
    throw new AppError("forbidden", { message: `this request needs a member of the approver group "${approval.approverGroup}"` });
  }
  if (isSameIdentity(approval.principal, reviewer.email)) {
    throw new AppError("forbidden", { message: "you cannot decide a request made on your own behalf" });
  }

  const proposal =
    body.decision === "approve" ? await resolveProposal(approval, body) : { args: null, hash: body.argumentsHash ?? approval.argumentsHash, isEdit: false };
  const isQuorum = body.decision === "approve" && approval.requiredApprovers > 1;
  const now = new Date();

  const result = await db.$transaction(async (tx) => {
    if (isQuorum && !(await bumpRevision(tx, approvalId))) throw conflict("this request was decided by someone else a moment ago");
    const isRecorded = await insertDecision(tx, {
      approvalId,
      reviewerId: reviewer.id,
      decision: body.decision,
      comment: body.comment || null,
      argumentsHash: proposal.hash,
      editedArguments: proposal.isEdit ? proposal.args : null,
      createdAt: new Date(),
    });
    // One decision per reviewer and proposal: the unique index says so, whatever the timing.
    if (!isRecorded) throw conflict("you have already decided on these arguments");

    let status: "pending" | "approved" | "rejected" = "pending";
    let approvals = body.decision === "approve" ? 1 : 0;
    if (body.decision === "reject") status = "rejected";
    else if (!isQuorum) status = "approved";
    else {
      approvals = await countApprovals(tx, approvalId, proposal.hash);
      if (approvals >= approval.requiredApprovers) status = "approved";
    }

    if (status !== "pending") {
      const isSettled = await settleApproval(tx, approvalId, {
        status,
        decidedAt: now,
        outcome: status === "rejected" ? "rejected" : proposal.isEdit ? "approved_with_edits" : "approved",
        approved: status === "approved" ? { args: proposal.args, hash: proposal.hash } : undefined,
      });
      if (!isSettled) throw conflict("this request was decided by someone else a moment ago");
    }
    // Read before the append: only the receipt's one write waits under the chain's lock.
    const writeReceipt = status !== "pending" ? await prepareReceipt(tx, approvalId) : null;
    const [seq] = await appendAudit(tx, [
      {
        kind: "decided",
        bridgeId: approval.bridgeId,
        sessionId: approval.sessionId,
        server: approval.server,
        tool: approval.tool,
        argumentsHash: proposal.hash,
        ruleName: approval.ruleName,
        policyVersion: approval.policyVersion,
        approvalId,
        actorId: reviewer.id,
        latencyMs: now.getTime() - approval.createdAt.getTime(),
        detail: {
          decision: body.decision,
          edited: proposal.isEdit,
          comment: body.comment ?? null,
          resultingStatus: status,
          approvalsOfTheseArguments: approvals,
          requiredApprovers: approval.requiredApprovers,
          ...via,
        },
      },
    ]);
    // Decided: the signed receipt binds the decision to these exact arguments and its place in the chain.
    await writeReceipt?.(seq);
    return { status, approvals };
  });

  if (result.status === "pending") {
    // Another approver is still needed: reviewers see who has approved which arguments so far.
    await publishApprovalUpdate(approvalId);
  } else {
    // Decided: the bridge waits on this push, so it is built from what was just written rather than read back.
    const isApproved = result.status === "approved";
    dashboardMetrics().observeDecision(result.status, approval.createdAt);
    publishApprovalState(approval.bridgeId, {
      id: approvalId,
      status: result.status,
      expiresAt: approval.expiresAt.toISOString(),
      comment: body.comment || null,
      approvedArguments: isApproved ? proposal.args : null,
      approvedArgumentsHash: isApproved ? proposal.hash : null,
      decidedBy: reviewer.email,
      outcome: result.status === "rejected" ? "rejected" : proposal.isEdit ? "approved_with_edits" : "approved",
    });
    dispatchApprovalEvent("approval.decided", approvalId);
  }
  return {
    id: approvalId,
    status: result.status,
    edited: proposal.isEdit,
    argumentsHash: proposal.hash,
    approvals: result.approvals,
    requiredApprovers: approval.requiredApprovers,
  };
}
