// The approval events reviewers are alerted to outside the dashboard, and what each carries.
// Pure: the payload is built from a row, so it can be tested without a database.

export const APPROVAL_EVENT_TYPES = ["approval.created", "approval.decided", "approval.expired", "approval.escalated"] as const;
export type TApprovalEventType = (typeof APPROVAL_EVENT_TYPES)[number];
/** Sent only by "send test event" on the webhooks page. */
export const TEST_EVENT_TYPE = "webhook.test";
/** Events that alert the people who may decide (email and push); the others go to webhooks only. */
export const REVIEWER_ALERT_EVENTS: readonly TApprovalEventType[] = ["approval.created", "approval.escalated"];

export interface ApprovalEventData {
  id: string;
  /** Where a reviewer decides it (approvalLinkFor, channel "webhook"). */
  url: string;
  status: string;
  outcome: string | null;
  stage: string;
  server: string;
  tool: string;
  bridge: string;
  principal: string | null;
  rule: string | null;
  heldReason: string;
  /** The call's top-level arguments, each value shortened (the full arguments stay in the dashboard). */
  arguments: Record<string, string>;
  argumentsHash: string;
  requiredApprovers: number;
  approverRole: string;
  decidedBy: string | null;
  comment: string | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

/** The body of a webhook (format "standard"): the Standard Webhooks shape, {type, timestamp, data}. */
export interface ApprovalEvent {
  type: TApprovalEventType | typeof TEST_EVENT_TYPE;
  timestamp: string;
  data: ApprovalEventData;
}

/** The row fields the payload needs (an ApprovalRequest with its bridge and decisions). */
export interface ApprovalForEvent {
  id: string;
  status: string;
  outcome: string | null;
  stage: string;
  server: string;
  tool: string;
  principal: string | null;
  ruleName: string | null;
  heldReason: string;
  arguments: unknown;
  argumentsHash: string;
  requiredApprovers: number;
  approverRole: string;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  bridge: { name: string };
  decisions: { decision: string; comment: string | null; createdAt: Date; reviewer: { email: string } }[];
}

export const MAX_ARGUMENT_KEYS = 8;
export const MAX_ARGUMENT_CHARS = 120;

/** Shortens text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The first top-level arguments, each as one shortened line of text: enough to recognise the call. */
export function summarizeArguments(args: unknown): Record<string, string> {
  if (!args || typeof args !== "object" || Array.isArray(args)) return {};
  const entries = Object.entries(args as Record<string, unknown>);
  const summary: Record<string, string> = {};
  for (const [key, value] of entries.slice(0, MAX_ARGUMENT_KEYS)) {
    const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    summary[truncate(key, 60)] = truncate(text.replace(/\s+/g, " "), MAX_ARGUMENT_CHARS);
  }
  if (entries.length > MAX_ARGUMENT_KEYS) summary["…"] = `${entries.length - MAX_ARGUMENT_KEYS} more`;
  return summary;
}

/** Builds an event's payload from the approval as committed. */
export function buildApprovalEvent(type: ApprovalEvent["type"], approval: ApprovalForEvent, url: string, now = new Date()): ApprovalEvent {
  // The decision that ended it (the last one), once it is decided; a pending request's earlier quorum votes are not "decidedBy".
  const last = approval.status === "approved" || approval.status === "rejected" ? approval.decisions.at(-1) : undefined;
  return {
    type,
    timestamp: now.toISOString(),
    data: {
      id: approval.id,
      url,
      status: approval.status,
      outcome: approval.outcome,
      stage: approval.stage,
      server: approval.server,
      tool: approval.tool,
      bridge: approval.bridge.name,
      principal: approval.principal,
      rule: approval.ruleName,
      heldReason: approval.heldReason,
      arguments: summarizeArguments(approval.arguments),
      argumentsHash: approval.argumentsHash,
      requiredApprovers: approval.requiredApprovers,
      approverRole: approval.approverRole,
      decidedBy: last?.reviewer.email ?? null,
      comment: last?.comment ?? null,
      createdAt: approval.createdAt.toISOString(),
      expiresAt: approval.expiresAt.toISOString(),
      decidedAt: approval.decidedAt?.toISOString() ?? null,
    },
  };
}

/** One line saying what happened, for titles, subjects and Slack's fallback text. */
export function headline(event: ApprovalEvent): string {
  const { data } = event;
  const call = `${data.tool} on ${data.server}`;
  switch (event.type) {
    case "approval.created":
      return `Approval needed: ${call} (bridge ${data.bridge})`;
    case "approval.escalated":
      return `Escalated: ${call} still needs a decision (bridge ${data.bridge})`;
    case "approval.decided":
      return `${data.status === "approved" ? "Approved" : "Rejected"}: ${call}${data.decidedBy ? ` by ${data.decidedBy}` : ""}`;
    case "approval.expired":
      return `Expired: ${call}${data.outcome === "bridge_gone" ? " (the agent's bridge went away)" : " (nobody decided in time)"}`;
    default:
      return `Test event from Airlock: ${call}`;
  }
}
