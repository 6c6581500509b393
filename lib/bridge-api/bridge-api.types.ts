import { z } from "zod";
import { ZEscalateTo, ZGroupName } from "../policy/policy.types";

// The contract between a bridge and the dashboard. Bridges authenticate with
// `Authorization: Bearer <bridge token>` on HTTP and `auth: { token }` on socket.io.
// Shared by mcp-bridge/ and app/api/bridge/*; pure zod, no framework imports.

const ZJsonObject = z.record(z.string(), z.unknown());

/** The header in which a bridge names its process on every request. */
export const BRIDGE_INSTANCE_HEADER = "x-airlock-bridge-instance";

/** Idempotency keys and bridge instance ids: random, URL-safe. */
export const ZBridgeKey = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8 to 64 letters, digits, _ or -");

/** POST /api/bridge/approvals/withdraw: the bridge gave up on a creation it could not confirm. */
export const ZWithdrawByKey = z.object({ idempotencyKey: ZBridgeKey }).strict();

/** One earlier step of the MCP session, shown to reviewers as a timeline. */
export const ZContextEntry = z.object({
  at: z.string().datetime(),
  kind: z.enum(["tool_call", "tool_result", "resource_read", "prompt_get", "sampling", "note"]),
  server: z.string().max(200).optional(),
  name: z.string().max(300).optional(),
  summary: z.string().max(4000),
  outcome: z.enum(["allowed", "denied", "held", "approved", "rejected", "expired", "withdrawn", "error", "ok"]).optional(),
});
export type TContextEntry = z.infer<typeof ZContextEntry>;

/** POST /api/bridge/approvals: a held call asks for a decision. */
/** A detector's finding as reviewers see it (the evidence clipped). */
export const ZFindingWire = z.object({
  detector: z.string().max(100),
  version: z.number().int().min(0).max(1000),
  severity: z.enum(["low", "medium", "high"]),
  message: z.string().max(2000),
  location: z.string().max(1000),
  evidence: z.object({ text: z.string().max(2000), start: z.number().int().min(0), end: z.number().int().min(0) }),
});
export type TFindingWire = z.infer<typeof ZFindingWire>;

/** One earlier step of the session chain that held a call. */
export const ZChainStep = z.object({ index: z.number().int().min(0), server: z.string().max(200), tool: z.string().max(300) });
export const ZChain = z.object({ private: z.array(ZChainStep).max(20), untrusted: z.array(ZChainStep).max(20) });
export type TChain = z.infer<typeof ZChain>;

/** Results over this size are shown to reviewers clipped (the bridge releases the whole one). */
export const MAX_HELD_RESULT_CHARS = 256 * 1024;

/** A tool's behaviour hints as its server declared them (MCP ToolAnnotations): shown as badges, never trusted for policy. */
export const ZToolHints = z.object({
  readOnlyHint: z.boolean().optional(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});
export type TToolHints = z.infer<typeof ZToolHints>;

export const ZCreateApproval = z.object({
  sessionId: z.string().min(1).max(200),
  clientName: z.string().max(200).optional(),
  clientVersion: z.string().max(100).optional(),
  principal: z.string().max(300).optional(),
  /** The bridge verified the principal (the user of its OAuth token); otherwise it is the agent's claim. */
  principalVerified: z.boolean().optional(),
  server: z.string().min(1).max(200),
  tool: z.string().min(1).max(300),
  toolTitle: z.string().max(300).optional(),
  toolDescription: z.string().max(20_000).optional(),
  inputSchema: ZJsonObject.optional(),
  toolAnnotations: ZToolHints.optional(),
  arguments: ZJsonObject,
  argumentsHash: z.string().regex(/^[0-9a-f]{64}$/),
  prompt: z.string().max(20_000).optional(),
  reasoning: z.string().max(20_000).optional(),
  context: z.array(ZContextEntry).max(200).default([]),
  heldReason: z.string().min(1).max(2000),
  ruleName: z.string().max(200).optional(),
  policyVersion: z.number().int().min(1).optional(),
  /** Distinct approvals needed, and who may give them (from the rule). */
  approvers: z.number().int().min(1).max(5).default(1),
  approverRole: z.enum(["reviewer", "admin"]).default("reviewer"),
  approverGroup: ZGroupName.optional(),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600),
  /** From the rule: when an unanswered request is escalated, and to whom (default admins). */
  escalateAfterSeconds: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 3600)
    .optional(),
  escalateTo: ZEscalateTo.optional(),
  /** The bridge's key for this hold: a retried creation with the same key returns the same request. */
  idempotencyKey: ZBridgeKey.optional(),
  /** The bridge process that waits for the decision: once it is gone the request cannot be approved. */
  bridgeInstance: ZBridgeKey.optional(),
  /** "result": the call ran and its result waits for a reviewer to release or withhold it. */
  stage: z.enum(["call", "result"]).default("call"),
  heldResult: ZJsonObject.refine((r) => JSON.stringify(r).length <= MAX_HELD_RESULT_CHARS + 4096, "the held result is too large").optional(),
  findings: z.array(ZFindingWire).max(200).optional(),
  chain: ZChain.optional(),
});
export type TCreateApproval = z.infer<typeof ZCreateApproval>;

export const APPROVAL_STATUSES = ["pending", "approved", "rejected", "expired", "withdrawn"] as const;
export type TApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What the bridge learns about its request: from the create call, polling, or the socket push. */
export const ZApprovalState = z.object({
  id: z.string(),
  status: z.enum(APPROVAL_STATUSES),
  expiresAt: z.string(),
  comment: z.string().nullable().optional(),
  /** The arguments to forward when approved (the reviewer's edit, or the proposed ones). */
  approvedArguments: ZJsonObject.nullable().optional(),
  /** The canonical hash of approvedArguments as the approvers approved them: the bridge runs nothing that hashes otherwise. */
  approvedArgumentsHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable()
    .optional(),
  decidedBy: z.string().nullable().optional(),
  /** When approved: every approver whose approval counted (the per-call grant names them). */
  approvedBy: z.array(z.string()).nullable().optional(),
});
export type TApprovalState = z.infer<typeof ZApprovalState>;

/** POST /api/bridge/approvals/{id}/result: what happened when the bridge forwarded the call. */
export const ZApprovalResult = z.object({
  /** reheld: the approved (edited) arguments need a stricter approval; the bridge asked for it in a new request. */
  outcome: z.enum(["executed", "failed_upstream", "withdrawn", "reheld"]),
  executedArguments: ZJsonObject.optional(),
  error: z.string().max(4000).optional(),
});
export type TApprovalResult = z.infer<typeof ZApprovalResult>;

/** POST /api/bridge/audit: a batch of events the bridge saw. */
export const ZBridgeAuditEvent = z.object({
  /** The bridge's own id for the event: a batch delivered twice (a lost answer, a spool) is stored once. */
  id: z.string().min(8).max(100).optional(),
  at: z.string().datetime(),
  kind: z.enum(["allowed", "denied", "held", "executed", "failed", "upstream_error"]),
  sessionId: z.string().max(200),
  server: z.string().max(200).optional(),
  tool: z.string().max(300).optional(),
  argumentsHash: z.string().max(64).optional(),
  ruleName: z.string().max(200).optional(),
  policyVersion: z.number().int().min(1).optional(),
  approvalId: z.string().max(100).optional(),
  latencyMs: z.number().nonnegative().optional(),
  /** The call's arguments after the deciding rule's `redact` paths were masked. */
  arguments: ZJsonObject.optional(),
  principal: z.string().max(300).optional(),
  detail: ZJsonObject.optional(),
});
export const ZBridgeAuditBatch = z.object({ events: z.array(ZBridgeAuditEvent).min(1).max(1000) });
export type TBridgeAuditEvent = z.infer<typeof ZBridgeAuditEvent>;

/** A tool as an upstream lists it (the name is the upstream's own, not the bridge's prefixed one). */
export const ZToolDefinition = z.looseObject({
  name: z.string().min(1).max(300),
  inputSchema: ZJsonObject,
});
export type TToolDefinition = z.infer<typeof ZToolDefinition>;

/** What the inventory holds besides tools: prompts (a poisoned prompt is a poisoned system prompt) and resource templates. */
export const INVENTORY_KINDS = ["tool", "prompt", "resource_template"] as const;
export type TInventoryKind = (typeof INVENTORY_KINDS)[number];

/**
 * POST /api/bridge/tools: the tools (or, with `kind`, the prompts or resource templates) one
 * upstream lists now; the answer says which the bridge may expose. A resource template's
 * `name` is its URI template.
 */
export const ZToolReport = z
  .object({
    server: z.string().min(1).max(200),
    instructions: z.string().max(100_000).optional(),
    kind: z.enum(INVENTORY_KINDS).default("tool"),
    tools: z.array(z.looseObject({ name: z.string().min(1).max(2_000), inputSchema: ZJsonObject.optional() })).max(2_000),
  })
  .superRefine((report, ctx) => {
    if (report.kind !== "tool") return;
    report.tools.forEach((tool, i) => {
      if (!tool.inputSchema) ctx.addIssue({ code: "custom", path: ["tools", i, "inputSchema"], message: "a tool needs its inputSchema" });
    });
  });
export type TToolReport = z.infer<typeof ZToolReport>;

export const TOOL_STATUSES = ["pending", "enabled", "disabled", "quarantined"] as const;
export const TOOL_SOURCES = ["private", "untrusted", "both", "none"] as const;
export const ZToolVerdict = z.object({
  name: z.string(),
  status: z.enum(TOOL_STATUSES),
  /** The hash of the definition an admin approved: the bridge exposes the tool only while its definition hashes to this. */
  pinnedHash: z.string().nullable(),
  /** An admin's source/sink tags for the chain rule; absent: the bridge infers them. */
  tags: z.object({ source: z.enum(TOOL_SOURCES).optional(), sink: z.boolean().optional() }).optional(),
});
export const ZToolVerdicts = z.object({ tools: z.array(ZToolVerdict) });
export type TToolVerdict = z.infer<typeof ZToolVerdict>;
