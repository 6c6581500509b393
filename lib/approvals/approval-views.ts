import type { TApprovalState, TApprovalStatus, TChain, TFindingWire, TToolHints } from "../bridge-api/bridge-api.types";
import type { ApprovalRequest, Bridge, Decision, User } from "../db/prisma";
import type { ApprovalSummary } from "../realtime/events";
import { keyArguments } from "./key-arguments";
import type { Receipt } from "./receipt";

type WithBridge = ApprovalRequest & { bridge: Pick<Bridge, "name"> };
type WithDecisions = ApprovalRequest & { decisions: (Decision & { reviewer: Pick<User, "email"> })[] };

export const APPROVAL_SUMMARY_INCLUDE = { bridge: { select: { name: true } } } as const;
/** What a bridge's view of a request needs: the decisions, for the last comment and who made it. */
export const APPROVAL_STATE_INCLUDE = {
  decisions: { include: { reviewer: { select: { email: true } } }, orderBy: { createdAt: "asc" } },
} as const;
export const APPROVAL_DETAIL_INCLUDE = {
  bridge: { select: { name: true } },
  decisions: { include: { reviewer: { select: { email: true } } }, orderBy: { createdAt: "asc" } },
} as const;

export function toApprovalSummary(a: WithBridge): ApprovalSummary {
  const findings = Array.isArray(a.findings) ? (a.findings as TFindingWire[]) : [];
  return {
    id: a.id,
    status: a.status as TApprovalStatus,
    server: a.server,
    tool: a.tool,
    bridgeName: a.bridge.name,
    sessionId: a.sessionId,
    clientName: a.clientName,
    prompt: a.prompt,
    heldReason: a.heldReason,
    ruleName: a.ruleName,
    createdAt: a.createdAt.toISOString(),
    expiresAt: a.expiresAt.toISOString(),
    stage: a.stage === "result" ? "result" : "call",
    findingCount: findings.length,
    findingDetectors: [...new Set(findings.map((f) => f.detector))],
    findingSeverity: (["high", "medium", "low"] as const).find((s) => findings.some((f) => f.severity === s)) ?? null,
    principal: a.principal,
    principalVerified: a.principalVerified,
    bridgeId: a.bridgeId,
    argumentsHash: a.argumentsHash,
    keyArguments: keyArguments(a.arguments as Record<string, unknown>),
    toolAnnotations: (a.toolAnnotations as TToolHints | null) ?? null,
    requiredApprovers: a.requiredApprovers,
    approverRole: a.approverRole,
    approverGroup: a.approverGroup,
    escalatedAt: a.escalatedAt?.toISOString() ?? null,
  };
}

/** What the bridge is told: the status, the final comment, and the arguments to forward. */
export function toApprovalState(a: WithDecisions): TApprovalState & { outcome: string | null } {
  const last = a.decisions.at(-1);
  return {
    id: a.id,
    status: a.status as TApprovalStatus,
    expiresAt: a.expiresAt.toISOString(),
    comment: last?.comment ?? null,
    approvedArguments: a.status === "approved" ? ((a.approvedArguments ?? a.arguments) as Record<string, unknown>) : null,
    // Requests approved before approvals were bound to a hash have none: the bridge refuses to run those.
    approvedArgumentsHash: a.status === "approved" ? a.approvedArgumentsHash : null,
    decidedBy: last?.reviewer.email ?? null,
    // Everyone whose approval counted (two-person rules have two): the call's grant names them.
    approvedBy:
      a.status === "approved"
        ? a.decisions
            .filter((d) => d.decision === "approve" && (!a.approvedArgumentsHash || d.argumentsHash === a.approvedArgumentsHash))
            .map((d) => d.reviewer.email)
        : null,
    outcome: a.outcome,
  };
}

/** The full record for the REST API and the detail page. */
export function toApprovalDetail(a: WithBridge & WithDecisions) {
  return {
    ...toApprovalSummary(a),
    outcome: a.outcome,
    principal: a.principal,
    clientVersion: a.clientVersion,
    toolTitle: a.toolTitle,
    toolDescription: a.toolDescription,
    inputSchema: a.inputSchema as Record<string, unknown> | null,
    arguments: a.arguments as Record<string, unknown>,
    argumentsHash: a.argumentsHash,
    approvedArguments: a.approvedArguments as Record<string, unknown> | null,
    executedArguments: a.executedArguments as Record<string, unknown> | null,
    executionError: a.executionError,
    heldResult: a.heldResult as Record<string, unknown> | null,
    findings: (a.findings as TFindingWire[] | null) ?? [],
    chain: a.chain as TChain | null,
    reasoning: a.reasoning,
    context: a.context as unknown[],
    requiredApprovers: a.requiredApprovers,
    approverRole: a.approverRole,
    approverGroup: a.approverGroup,
    policyVersion: a.policyVersion,
    decidedAt: a.decidedAt?.toISOString() ?? null,
    executedAt: a.executedAt?.toISOString() ?? null,
    approvedArgumentsHash: a.approvedArgumentsHash,
    /** The signed receipt (lib/approvals/receipt.ts) once decided. */
    receipt: a.receipt as Receipt | null,
    decisions: a.decisions.map((d) => ({
      reviewer: d.reviewer.email,
      decision: d.decision,
      comment: d.comment,
      /** The hash of the arguments this reviewer saw and decided on. */
      argumentsHash: d.argumentsHash,
      editedArguments: d.editedArguments as Record<string, unknown> | null,
      createdAt: d.createdAt.toISOString(),
    })),
    proposals: toProposals(a),
  };
}

/**
 * Every set of arguments reviewers can approve, oldest first: the agent's
 * proposal, then each distinct edit, with who approved exactly those.
 */
function toProposals(a: WithDecisions) {
  const proposals = [
    { argumentsHash: a.argumentsHash, arguments: a.arguments as Record<string, unknown>, proposedBy: null as string | null, approvedBy: [] as string[] },
  ];
  for (const d of a.decisions) {
    let proposal = proposals.find((p) => p.argumentsHash === d.argumentsHash);
    if (!proposal && d.editedArguments) {
      proposal = { argumentsHash: d.argumentsHash, arguments: d.editedArguments as Record<string, unknown>, proposedBy: d.reviewer.email, approvedBy: [] };
      proposals.push(proposal);
    }
    if (proposal && d.decision === "approve") proposal.approvedBy.push(d.reviewer.email);
  }
  return proposals;
}
export type TApprovalDetail = ReturnType<typeof toApprovalDetail>;
