import type { TRole } from "../auth/roles";
import { hashArguments } from "../crypto/canonical-hash";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { checkAgainstSchema } from "../validation/json-schema";
import type { TDecideApprovalBody } from "./decide-approval.types";
import { expireApproval } from "./expire-approvals";
import { publishApprovalState, publishApprovalUpdate } from "./publish-approval-update";

export interface DecideApprovalOptions {
  approvalId: string;
  reviewer: { id: string; email: string; role: TRole };
  body: TDecideApprovalBody;
}

function conflict(message: string) {
  return new AppError("conflict", { message });
}

/**
 * Records one reviewer's decision. The pending → decided transition is a
 * conditional update inside the transaction, so of two reviewers deciding at
 * once exactly one wins and the other gets 409.
 */
export async function decideApproval({ approvalId, reviewer, body }: DecideApprovalOptions) {
  const approval = await db.approvalRequest.findUnique({ where: { id: approvalId } });
  if (!approval) throw new AppError("not_found", { message: "approval request not found" });
  if (approval.status !== "pending") throw conflict(`this request is already ${approval.status}`);
  if (approval.expiresAt.getTime() <= Date.now()) {
    await expireApproval(approval.id);
    throw conflict("this request has expired");
  }
  if (approval.approverRole === "admin" && reviewer.role !== "admin") {
    throw new AppError("forbidden", { message: "this request needs an admin's approval" });
  }
  if (approval.principal && approval.principal.toLowerCase() === reviewer.email.toLowerCase()) {
    throw new AppError("forbidden", { message: "you cannot decide a request made on your own behalf" });
  }

  let approvedArguments: Record<string, unknown> | undefined;
  if (body.decision === "approve" && body.arguments) {
    const schema = approval.inputSchema as Record<string, unknown> | null;
    if (schema) {
      const check = checkAgainstSchema(schema, body.arguments);
      if (!check.ok) {
        throw new AppError("invalid_input", {
          message: `edited arguments do not match the tool's inputSchema: ${check.errors.join("; ")}`,
          details: check.errors,
        });
      }
    }
    approvedArguments = body.arguments;
  }
  const isEdited = approvedArguments !== undefined && hashArguments(approvedArguments) !== approval.argumentsHash;
  const now = new Date();

  const result = await db.$transaction(async (tx) => {
    try {
      await tx.decision.create({
        data: {
          approvalId,
          reviewerId: reviewer.id,
          decision: body.decision,
          comment: body.comment || null,
          editedArguments: isEdited ? (approvedArguments as object) : undefined,
        },
      });
    } catch (error) {
      // One decision per reviewer and request: the unique index says so, whatever the timing.
      if ((error as { code?: string }).code === "P2002") throw conflict("you have already decided this request");
      throw error;
    }

    let status: "pending" | "approved" | "rejected" = "pending";
    if (body.decision === "reject") status = "rejected";
    else if (approval.requiredApprovers <= 1) status = "approved";
    else {
      const approvals = await tx.decision.count({ where: { approvalId, decision: "approve" } });
      if (approvals >= approval.requiredApprovers) status = "approved";
    }

    if (status !== "pending") {
      const { count } = await tx.approvalRequest.updateMany({
        where: { id: approvalId, status: "pending" },
        data: {
          status,
          decidedAt: now,
          outcome: status === "rejected" ? "rejected" : isEdited ? "approved_with_edits" : "approved",
          approvedArguments: status === "approved" ? ((isEdited ? approvedArguments : approval.arguments) as object) : undefined,
        },
      });
      if (count !== 1) throw conflict("this request was decided by someone else a moment ago");
    }
    await tx.auditEvent.create({
      data: {
        kind: "decided",
        bridgeId: approval.bridgeId,
        sessionId: approval.sessionId,
        server: approval.server,
        tool: approval.tool,
        argumentsHash: isEdited ? hashArguments(approvedArguments) : approval.argumentsHash,
        ruleName: approval.ruleName,
        policyVersion: approval.policyVersion,
        approvalId,
        actorId: reviewer.id,
        latencyMs: now.getTime() - approval.createdAt.getTime(),
        detail: { decision: body.decision, edited: isEdited, comment: body.comment ?? null, resultingStatus: status },
      },
    });
    return { status };
  });

  if (result.status === "pending") {
    // Another approver is still needed: reviewers see who has approved so far.
    await publishApprovalUpdate(approvalId);
  } else {
    // Decided: the bridge waits on this push, so it is built from what was just written rather than read back.
    const outcome = result.status === "rejected" ? "rejected" : isEdited ? "approved_with_edits" : "approved";
    publishApprovalState(approval.bridgeId, {
      id: approvalId,
      status: result.status,
      expiresAt: approval.expiresAt.toISOString(),
      comment: body.comment || null,
      approvedArguments: result.status === "approved" ? ((isEdited ? approvedArguments : approval.arguments) as Record<string, unknown>) : null,
      decidedBy: reviewer.email,
      outcome,
    });
  }
  return { id: approvalId, status: result.status, edited: isEdited };
}
