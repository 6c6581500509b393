import type { TBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import { canonicalJson, hashArguments, sha256Hex } from "../lib/crypto/canonical-hash";
import { impersonated, nearestTool } from "../lib/detectors/lookalike-names";
import { APPROVAL_ID_ATTRIBUTE, inSpan } from "../lib/observability/tracer";
import { evaluatePolicy } from "../lib/policy/evaluate";
import { redactArguments } from "../lib/policy/redact";
import {
  type CallTrace,
  type ForwardOnce,
  type GateCall,
  type GateDeps,
  isTaskCreated,
  mustScreenResults,
  policyCall,
  policyVersionOf,
  refusal,
  type ToolAnswer,
  UnknownToolError,
} from "./call-context";
import { holdForApproval } from "./hold";
import { log } from "./log";
import { screenResult } from "./result-gate";
import { summarise } from "./session-context";
import type { RegisteredTool } from "./tool-registry";

export { type GateCall, type GateDeps, UnknownToolError } from "./call-context";

/** Audit batches stay small: arguments over this size are recorded by hash only. */
const MAX_AUDIT_ARGUMENTS = 16 * 1024;

function auditable(args: Record<string, unknown>, size: number): Record<string, unknown> {
  return size > MAX_AUDIT_ARGUMENTS ? { "airlock/omitted": `arguments of ${size} characters are recorded by hash only` } : args;
}

/** The client's `_meta` as the upstream should see it: Airlock's keys are for Airlock; the SDK sets its own progress token. */
function upstreamMeta(meta: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!meta) return undefined;
  const kept = Object.entries(meta).filter(([key]) => key !== "progressToken" && !key.startsWith("airlock/"));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/**
 * The one path from a client's tools/call to an upstream: resolve, validate,
 * decide by policy, then allow, deny, or hold for a human. Every call leaves
 * one audit event, written in `finally` so a throw cannot skip it. The allow
 * path does no I/O besides the upstream call itself.
 */
export async function gateToolCall(deps: GateDeps, call: GateCall): Promise<ToolAnswer> {
  const started = performance.now();
  const tool = deps.registry.get(call.name);
  const event: TBridgeAuditEvent = { at: new Date().toISOString(), kind: "denied", sessionId: call.sessionId, server: tool?.upstream, tool: call.name };
  const trace: CallTrace = { outcome: "denied" };
  /** The arguments as reviewers may see them (the deciding rule's `redact` applied), serialised once for the audit size check and the timeline. */
  let shownJson: string | undefined;
  let isForwarded = false;
  const forwardOnce: ForwardOnce = async (args, binding = {}) => {
    // Structural exactly-once: a duplicated decision (socket push and poll) or a bug cannot run one request twice.
    if (isForwarded) throw new Error("Airlock bridge: refused to forward the same request twice");
    isForwarded = true;
    try {
      const meta = upstreamMeta(call.meta);
      // The grant names exactly what the upstream receives: these arguments (a reviewer's edit included), this tool, this upstream.
      const grant = deps.grants?.mint({
        upstream: tool!.upstream,
        tool: tool!.originalName,
        argumentsHash: binding.argumentsHash ?? hashArguments(args),
        principal: event.principal,
        approval: binding.approval,
      });
      const sent = deps.metrics ? performance.now() : 0;
      trace.upstreamResult = await deps.forward(tool!, args, {
        signal: call.signal,
        meta: grant ? { ...meta, ...grant } : meta,
        onProgress: call.progress?.relay,
        task: call.task,
      });
      deps.metrics?.observeUpstream(tool!.upstream, (performance.now() - sent) / 1000);
      trace.forwardedArgs = args;
      return trace.upstreamResult;
    } catch (error) {
      trace.upstreamError = error;
      throw error;
    }
  };
  /** The upstream's own answer meets the rules on results (and the session records what came in) before the model sees it. */
  const screened = async (answer: ToolAnswer): Promise<ToolAnswer> => {
    if (!tool || answer !== trace.upstreamResult || !trace.forwardedArgs) return answer;
    trace.modelResult = await screenResult({ deps, call, tool, event }, trace.forwardedArgs, answer);
    return trace.modelResult;
  };

  try {
    if (!tool) {
      // A hallucinated or shadow tool: refused as a protocol error, but recorded like any call,
      // with the real tool it may imitate and, when the session keeps calling tools that do not exist, an alert.
      const names = deps.registry.names();
      const lookalike = impersonated(call.name, names);
      const nearest = lookalike ?? nearestTool(call.name, names);
      const { count, isBurst } = call.session.countUnknownCall();
      event.detail = {
        reason: "unknown tool",
        ...(lookalike ? { possibleTyposquatOf: lookalike } : nearest ? { nearestTool: nearest } : {}),
        unknownCallsThisMinute: count,
        ...(isBurst ? { alert: `burst of calls to unknown tools: ${count} in a minute in this session` } : {}),
      };
      if (isBurst) log(`session ${call.sessionId} called ${count} unknown tools within a minute (last: ${call.name.slice(0, 100)})`);
      throw new UnknownToolError(
        lookalike
          ? `unknown tool: ${call.name} (it reads like ${lookalike}, which is a different tool)`
          : `unknown tool: ${call.name}${nearest ? ` (did you mean ${nearest}?)` : ""}`,
      );
    }
    if (tool.admission && !tool.admission.isAdmitted) {
      // Not in the inventory, disabled, or changed since an admin approved it: it never reaches the upstream.
      event.detail = { reason: "tool not admitted", note: tool.admission.note };
      return refusal(`the tool ${call.name} ${tool.admission.note}; the call was not executed.`);
    }
    const policy = deps.policy.current;
    if (!policy) {
      event.detail = { reason: "policy not loaded" };
      return refusal("the bridge has not loaded its policy from the Airlock dashboard yet, so it refuses every call; the call was not executed.");
    }
    const problems = tool.checkArguments(call.args);
    if (problems.length) {
      event.detail = { reason: "invalid arguments", problems };
      return refusal(`the arguments do not match the input schema of ${call.name}: ${problems.join("; ")}. The call was not executed.`);
    }
    const asked = policyCall(deps, call, tool, call.args);
    const decision = evaluatePolicy(policy, asked);
    event.ruleName = decision.rule?.name;
    // Kept for investigations and dry runs of rule changes, minus what the deciding rule says to mask.
    // The arguments are serialised once on this path: the hash and the audit size check share it.
    const canonical = canonicalJson(call.args);
    event.argumentsHash = sha256Hex(canonical);
    const shown = redactArguments(call.args, decision.redact);
    shownJson = shown === call.args ? canonical : JSON.stringify(shown);
    event.arguments = auditable(shown, shownJson.length);
    if (asked.principal) event.principal = asked.principal;
    event.policyVersion = policyVersionOf(policy);

    if (call.task && decision.action !== "deny" && mustScreenResults(policy)) {
      event.detail = { reason: "task mode refused: the policy screens results, and a task's result is fetched later unscreened" };
      return refusal(
        `this call cannot run as a task: the policy has rules that must see the tool's result (rules on results, or on what the session took in), and a task's result would reach you unscreened. Call ${call.name} without a task; the call was not executed.`,
      );
    }
    if (decision.action !== "deny" && deps.grants && !deps.grants.isReady) {
      // Fail closed: with grants on, a call is never forwarded without one (nor held for a reviewer when it could not run).
      event.detail = { reason: "no grant-signing key" };
      return refusal("the bridge has no grant-signing key accepted by the Airlock dashboard yet, so it cannot forward calls; the call was not executed.");
    }
    if (decision.action === "allow") {
      event.kind = "allowed";
      trace.outcome = "allowed";
      // The hash already computed for the audit event is of exactly these arguments: the grant reuses it.
      return await screened(await forwardOnce(call.args, { argumentsHash: event.argumentsHash }));
    }
    if (decision.action === "deny") {
      event.detail = { reason: decision.reason };
      return refusal(decision.message ?? `this call is not allowed by policy (${decision.reason}); the call was not executed.`);
    }
    // Only a held call is traced: the allow path makes no span (with no SDK configured, this one is a no-op too).
    const held = await inSpan("airlock.hold", { "airlock.server": tool.upstream }, async (span) => {
      try {
        return await holdForApproval({ deps, call, tool, decision, event, trace, forwardOnce, shown });
      } finally {
        if (event.approvalId) span.setAttribute(APPROVAL_ID_ATTRIBUTE, event.approvalId);
        span.setAttribute("airlock.outcome", trace.outcome);
      }
    });
    return await screened(held);
  } catch (error) {
    if (!(error instanceof UnknownToolError)) trace.outcome = "error";
    if (event.kind === "allowed" && trace.upstreamError === error) {
      event.kind = "upstream_error";
      event.detail = { error: error instanceof Error ? error.message : String(error) };
    }
    throw error;
  } finally {
    event.latencyMs = performance.now() - started;
    event.argumentsHash ??= hashArguments(call.args);
    if (trace.upstreamResult && !isTaskCreated(trace.upstreamResult) && trace.upstreamResult.isError) event.detail = { ...event.detail, upstreamIsError: true };
    // Which MCP client made the call (its name and version as it announced them): the Bridges page lists them.
    if (call.client) event.detail = { ...event.detail, client: { name: call.client.name.slice(0, 200), version: String(call.client.version).slice(0, 100) } };
    deps.audit.record(event);
    deps.metrics?.countCall(event.kind, tool?.upstream);
    recordStep(call, tool, trace, shownJson);
  }
}

/** The reviewer's timeline shows earlier steps only: a call joins it once decided. */
function recordStep(call: GateCall, tool: RegisteredTool | undefined, trace: CallTrace, shownJson: string | undefined): void {
  call.session.add({
    kind: "tool_call",
    server: tool?.upstream,
    name: call.name.slice(0, 300),
    summary: summarise(shownJson ?? call.args),
    outcome: trace.outcome,
  });
  // What the model got: a redacted or withheld result is not copied into the timeline whole.
  const result = trace.modelResult ?? trace.upstreamResult;
  if (result && isTaskCreated(result)) {
    call.session.add({
      kind: "tool_result",
      server: tool?.upstream,
      name: call.name,
      summary: `runs as task ${result.task.taskId} (${result.task.status})`,
      outcome: "ok",
    });
  } else if (result) {
    const summary = summarise(result.content ?? result.structuredContent ?? {});
    call.session.add({ kind: "tool_result", server: tool?.upstream, name: call.name, summary, outcome: result.isError ? "error" : "ok" });
  }
}
