import {
  type TChain,
  type TContextEntry,
  type TCreateApproval,
  type TFindingWire,
  type TToolHints,
  ZContextEntry,
  ZCreateApproval,
} from "../lib/bridge-api/bridge-api.types";
import type { PolicyDecision } from "../lib/policy/policy.types";
import { summarise } from "./session-context";
import type { RegisteredTool } from "./tool-registry";

const MAX_EXTRA_CONTEXT = 20;

/** A non-empty string `_meta` value, or undefined. */
export function metaString(meta: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = meta?.[key];
  return typeof value === "string" && value.trim() ? value : undefined;
}

/** The contract bounds every text; an over-long prompt must shorten the request, not make the dashboard refuse it. */
function clip(text: string | undefined, max: number): string | undefined {
  if (text === undefined) return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `_meta["airlock/context"]` as timeline entries: a string is a note; an array
 * holds notes or entries; anything else is summarised into one note.
 */
export function extraContext(value: unknown, now = new Date().toISOString()): TContextEntry[] {
  if (value === undefined || value === null || value === "") return [];
  const items = Array.isArray(value) ? value : [value];
  return items.slice(0, MAX_EXTRA_CONTEXT).map((item) => {
    if (typeof item === "string") return { at: now, kind: "note", summary: clip(item, 4000)! };
    const entry = ZContextEntry.safeParse({ at: now, ...(item as object) });
    return entry.success ? entry.data : { at: now, kind: "note", summary: summarise(item) };
  });
}

/** The boolean behaviour hints of a tool's annotations (anything else in them is left out). */
export function toolHints(annotations: Record<string, unknown> | undefined): TToolHints | undefined {
  if (!annotations) return undefined;
  const hints: TToolHints = {};
  for (const key of ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const) {
    if (typeof annotations[key] === "boolean") hints[key] = annotations[key];
  }
  return Object.keys(hints).length ? hints : undefined;
}

export interface ApprovalRequestInput {
  tool: RegisteredTool;
  exposedName: string;
  args: Record<string, unknown>;
  argumentsHash: string;
  meta: Record<string, unknown> | undefined;
  sessionId: string;
  timeline: TContextEntry[];
  client?: { name: string; version: string };
  decision: PolicyDecision;
  /** The human the call is for (see principalOf in call-context.ts): verified with OAuth, else the agent's claim. */
  principal: string;
  /** The principal is the verified user of the session's OAuth token. */
  principalVerified?: boolean;
  policyVersion?: number;
  idempotencyKey?: string;
  bridgeInstance?: string;
  /** "result": the call ran; its result waits for release. */
  stage?: "call" | "result";
  heldResult?: Record<string, unknown>;
  findings?: TFindingWire[];
  chain?: TChain;
}

/** What reviewers see of a held call, checked against the contract before it is sent. Throws if it cannot fit. */
export function buildApprovalRequest(input: ApprovalRequestInput): TCreateApproval {
  const { tool, decision, meta } = input;
  const context = [...input.timeline, ...extraContext(meta?.["airlock/context"])].slice(-200);
  return ZCreateApproval.parse({
    sessionId: input.sessionId,
    clientName: clip(input.client?.name, 200),
    clientVersion: clip(input.client?.version, 100),
    principal: clip(input.principal || undefined, 300),
    principalVerified: input.principalVerified || undefined,
    server: tool.upstream,
    tool: input.exposedName,
    toolTitle: clip(tool.definition.title ?? tool.definition.annotations?.title, 300),
    toolDescription: clip(tool.definition.description, 20_000),
    inputSchema: tool.definition.inputSchema,
    toolAnnotations: toolHints(tool.definition.annotations),
    arguments: input.args,
    argumentsHash: input.argumentsHash,
    // The agent's own account of why: shown to reviewers as its claim, not as fact.
    prompt: clip(metaString(meta, "airlock/prompt"), 20_000),
    reasoning: clip(metaString(meta, "airlock/reasoning"), 20_000),
    context,
    heldReason: clip(decision.reason, 2000),
    ruleName: clip(decision.rule?.name, 200),
    policyVersion: input.policyVersion,
    approvers: decision.approvers,
    approverRole: decision.approverRole,
    ...(decision.approverGroup ? { approverGroup: decision.approverGroup } : {}),
    timeoutSeconds: decision.timeoutSeconds,
    ...(decision.rule?.escalateAfterSeconds !== undefined && decision.rule.escalateAfterSeconds < decision.timeoutSeconds
      ? { escalateAfterSeconds: decision.rule.escalateAfterSeconds, escalateTo: decision.rule.escalateTo ?? "admin" }
      : {}),
    idempotencyKey: input.idempotencyKey,
    bridgeInstance: input.bridgeInstance,
    stage: input.stage ?? "call",
    heldResult: input.heldResult,
    findings: input.findings?.length ? input.findings : undefined,
    chain: input.chain,
  });
}
