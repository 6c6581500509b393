import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { TBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { evaluatePolicy } from "../lib/policy/evaluate";
import type { PolicyCall, PolicyDecision } from "../lib/policy/policy.types";
import type { AuditSink } from "./audit-sink";
import { awaitDecision } from "./await-decision";
import type { DashboardClient } from "./dashboard-client";
import { log } from "./log";
import type { PolicySource } from "./policy-source";
import { SessionContext, summarise } from "./session-context";
import type { RegisteredTool, ToolRegistry } from "./tool-registry";

export interface GateDeps {
  registry: ToolRegistry;
  policy: PolicySource;
  audit: AuditSink;
  dashboard?: DashboardClient;
  /** Performs the upstream call. The gate is its only caller. */
  forward(tool: RegisteredTool, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
}

export interface GateCall {
  name: string;
  args: Record<string, unknown>;
  meta: Record<string, unknown> | undefined;
  sessionId: string;
  session: SessionContext;
  client?: { name: string; version: string };
  signal: AbortSignal;
  /** Sends a progress notification when the client asked for progress. */
  onWaiting?: (message: string) => void;
}

export class UnknownToolError extends Error {}

export function refusal(text: string): CallToolResult {
  return { content: [{ type: "text", text: `Airlock: ${text}` }], isError: true };
}

/** What the policy sees of a call: the tool's (untrusted) annotations, the bridge, principal and session too. */
function policyCall(deps: GateDeps, call: GateCall, tool: RegisteredTool, args: Record<string, unknown>): PolicyCall {
  return {
    server: tool.upstream,
    tool: call.name,
    args,
    annotations: tool.definition.annotations,
    bridge: deps.policy.bridgeName ?? "",
    principal: metaString(call.meta, "airlock/user") ?? "",
    session: { id: call.sessionId, client: call.client?.name },
  };
}

/** Dashboard policies carry a version number; a local file's version is free text and not reported. */
function policyVersionOf(policy: { version?: string }): number | undefined {
  const n = Number(policy.version);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}

const metaString = (meta: Record<string, unknown> | undefined, key: string) => {
  const value = meta?.[key];
  return typeof value === "string" && value.trim() ? value : undefined;
};

/**
 * The one path from a client's tools/call to an upstream: validate, decide by
 * policy, then allow, deny, or hold for a human. Every call leaves one audit
 * event, written in `finally` so a throw cannot skip it.
 */
export async function gateToolCall(gateDeps: GateDeps, call: GateCall): Promise<CallToolResult> {
  const started = performance.now();
  let upstreamResult: CallToolResult | undefined;
  const deps: GateDeps = { ...gateDeps, forward: async (...args) => (upstreamResult = await gateDeps.forward(...args)) };
  const tool = deps.registry.get(call.name);
  if (!tool) throw new UnknownToolError(`unknown tool: ${call.name}`);
  const event: TBridgeAuditEvent = { at: new Date().toISOString(), kind: "denied", sessionId: call.sessionId, server: tool.upstream, tool: call.name };
  let outcome: "allowed" | "denied" | "approved" | "rejected" | "expired" | "withdrawn" | "error" = "denied";
  // The reviewer's timeline shows earlier steps only: this call joins it once decided.
  const step = { kind: "tool_call" as const, server: tool.upstream, name: call.name, summary: summarise(call.args) };
  try {
    const policy = deps.policy.current;
    if (!policy) {
      event.detail = { reason: "policy not loaded" };
      return refusal("the bridge has not loaded its policy from the dashboard yet; the call was not executed.");
    }
    const problems = deps.registry.validate(tool, call.args);
    if (problems.length) {
      event.detail = { reason: "invalid arguments", problems };
      return refusal(`the arguments do not match the tool's input schema: ${problems.join("; ")}`);
    }
    const decision = evaluatePolicy(policy, policyCall(deps, call, tool, call.args));
    event.ruleName = decision.rule?.name;
    event.policyVersion = policyVersionOf(policy);

    if (decision.action === "allow") {
      event.kind = "allowed";
      outcome = "allowed";
      return await deps.forward(tool, call.args, call.signal);
    }
    if (decision.action === "deny") {
      event.detail = { reason: decision.reason };
      return refusal(decision.message ?? `this call is not allowed by policy (${decision.reason}).`);
    }
    event.kind = "held";
    const held = await hold(deps, call, tool, decision, event);
    outcome = held.outcome;
    return held.result;
  } catch (error) {
    if (!(error instanceof UnknownToolError)) outcome = "error";
    throw error;
  } finally {
    event.latencyMs = performance.now() - started;
    event.argumentsHash ??= hashArguments(call.args);
    deps.audit.record(event);
    call.session.add({ ...step, outcome });
    if (upstreamResult) {
      const summary = summarise(upstreamResult.content ?? upstreamResult.structuredContent ?? {});
      call.session.add({ kind: "tool_result", server: tool.upstream, name: call.name, summary, outcome: upstreamResult.isError ? "error" : "ok" });
    }
  }
}

async function hold(deps: GateDeps, call: GateCall, tool: RegisteredTool, decision: PolicyDecision, event: TBridgeAuditEvent) {
  const { dashboard } = deps;
  if (!dashboard) {
    event.detail = { reason: "approval required, no dashboard configured" };
    return { outcome: "denied" as const, result: refusal(`this call needs a human approval (${decision.reason}) but this bridge runs without a dashboard; the call was not executed.`) };
  }
  const argumentsHash = hashArguments(call.args);
  event.argumentsHash = argumentsHash;
  const extraContext = metaString(call.meta, "airlock/context");
  let approval;
  try {
    approval = await dashboard.createApproval({
      sessionId: call.sessionId,
      clientName: call.client?.name,
      clientVersion: call.client?.version,
      principal: metaString(call.meta, "airlock/user"),
      server: tool.upstream,
      tool: call.name,
      toolTitle: tool.definition.title ?? tool.definition.annotations?.title,
      toolDescription: tool.definition.description,
      inputSchema: tool.definition.inputSchema as Record<string, unknown>,
      arguments: call.args,
      argumentsHash,
      prompt: metaString(call.meta, "airlock/prompt"),
      reasoning: metaString(call.meta, "airlock/reasoning"),
      context: [...call.session.snapshot(), ...(extraContext ? [{ at: new Date().toISOString(), kind: "note" as const, summary: extraContext }] : [])],
      heldReason: decision.reason,
      ruleName: decision.rule?.name,
      policyVersion: event.policyVersion,
      approvers: decision.approvers,
      approverRole: decision.approverRole,
      timeoutSeconds: decision.timeoutSeconds,
    });
  } catch (error) {
    event.detail = { reason: "dashboard unreachable", error: (error as Error).message };
    return {
      outcome: "denied" as const,
      result: refusal(`this call needs a human approval but ${(error as Error).message}; the call was not executed.`),
    };
  }
  event.approvalId = approval.id;

  const state = await awaitDecision({
    dashboard,
    approval,
    signal: call.signal,
    onWaiting: (ms) => call.onWaiting?.(`Waiting for human approval (request ${approval.id}, ${Math.round(ms / 1000)} s)`),
  });

  if (state.status === "cancelled") {
    event.detail = { resolution: "withdrawn" };
    await dashboard.reportResult(approval.id, { outcome: "withdrawn" }).catch((error) => log("could not withdraw a cancelled request", error));
    return { outcome: "withdrawn" as const, result: refusal("the call was cancelled while waiting for approval.") };
  }
  if (state.status === "unreachable") {
    event.detail = { resolution: "dashboard unreachable", error: state.message };
    return { outcome: "error" as const, result: refusal(`no decision could be obtained: ${state.message}; the call was not executed.`) };
  }
  if (state.status !== "approved") {
    event.detail = { resolution: state.status, decidedBy: state.decidedBy ?? null };
    const comment = state.comment ? `: "${state.comment}"` : "";
    const text =
      state.status === "rejected"
        ? `a reviewer rejected this call${comment}. The call was not executed.`
        : state.status === "expired"
          ? `no reviewer decided within ${decision.timeoutSeconds} s; the call was not executed.`
          : `the approval request was ${state.status}; the call was not executed.`;
    return { outcome: state.status === "rejected" ? ("rejected" as const) : ("expired" as const), result: refusal(text) };
  }
  return executeApproved(deps, call, tool, decision, state.approvedArguments ?? call.args, approval.id, event, state.comment);
}

/** Forwards an approved call exactly once, after checking an edit against the schema and the policy again. */
async function executeApproved(
  deps: GateDeps,
  call: GateCall,
  tool: RegisteredTool,
  decision: PolicyDecision,
  args: Record<string, unknown>,
  approvalId: string,
  event: TBridgeAuditEvent,
  comment: string | null | undefined,
) {
  const dashboard = deps.dashboard!;
  const isEdited = hashArguments(args) !== event.argumentsHash;
  if (isEdited) {
    // An edit must not slip past another rule: it must meet the same decision again.
    const problems = deps.registry.validate(tool, args);
    const again = deps.policy.current ? evaluatePolicy(deps.policy.current, policyCall(deps, call, tool, args)) : null;
    const isSameRule = again && (again.action === "allow" || (again.action === "require_approval" && again.rule?.name === decision.rule?.name));
    if (problems.length || !isSameRule) {
      const why = problems.length ? `they do not match the input schema (${problems.join("; ")})` : `the policy treats them differently (${again?.reason ?? "no policy"})`;
      event.detail = { resolution: "approved edit refused", why };
      await dashboard.reportResult(approvalId, { outcome: "failed_upstream", error: `edited arguments refused by the bridge: ${why}` }).catch((e) => log("could not report a result", e));
      return { outcome: "error" as const, result: refusal(`the reviewer's edited arguments were refused because ${why}; the call was not executed.`) };
    }
  }
  event.argumentsHash = hashArguments(args);
  event.detail = { resolution: isEdited ? "approved_with_edits" : "approved", ...(comment ? { comment } : {}) };
  try {
    const result = await deps.forward(tool, args, call.signal);
    await dashboard.reportResult(approvalId, { outcome: "executed", executedArguments: args }).catch((e) => log("could not report a result", e));
    return { outcome: "approved" as const, result };
  } catch (error) {
    await dashboard.reportResult(approvalId, { outcome: "failed_upstream", error: (error as Error).message }).catch((e) => log("could not report a result", e));
    throw error;
  }
}
