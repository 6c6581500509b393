import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { TApprovalState, TBridgeAuditEvent, TCreateApproval } from "../lib/bridge-api/bridge-api.types";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { evaluatePolicy } from "../lib/policy/evaluate";
import { restoreRedacted } from "../lib/policy/redact";
import type { PolicyDecision } from "../lib/policy/policy.types";
import { buildApprovalRequest } from "./approval-request";
import { awaitDecision } from "./await-decision";
import { isTaskCreated, policyCall, refusal, type CallTrace, type ForwardOnce, type GateCall, type GateDeps, type ToolAnswer } from "./call-context";
import type { RegisteredTool } from "./tool-registry";

export interface HoldContext {
  deps: GateDeps;
  call: GateCall;
  tool: RegisteredTool;
  decision: PolicyDecision;
  event: TBridgeAuditEvent;
  trace: CallTrace;
  forwardOnce: ForwardOnce;
  /** The arguments as reviewers see them: the deciding rule's redacted paths masked (the call's own object when none are). */
  shown: Record<string, unknown>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A call the policy holds: ask the dashboard, wait for a reviewer, then run
 * the approved arguments once or return the reviewer's answer to the model.
 * Without a dashboard, or when it cannot be reached, the call fails closed.
 */
export async function holdForApproval(ctx: HoldContext): Promise<ToolAnswer> {
  const { deps, call, tool, decision, event, trace, shown } = ctx;
  const { dashboard } = deps;
  const argumentsHash = (event.argumentsHash ??= hashArguments(call.args));
  if (!dashboard) {
    event.detail = { reason: "approval required; no dashboard configured", heldReason: decision.reason };
    return refusal(
      `this call needs a human approval (${decision.reason}) but this bridge runs with a local policy and no Airlock dashboard to ask; the call was not executed.`,
    );
  }

  let request: TCreateApproval;
  let approval: TApprovalState;
  try {
    // Reviewers see the arguments minus the rule's redacted paths; the bridge keeps the real ones.
    request = buildApprovalRequest({
      tool,
      exposedName: call.name,
      args: shown,
      argumentsHash: shown === call.args ? argumentsHash : hashArguments(shown),
      meta: call.meta,
      sessionId: call.sessionId,
      timeline: call.session.snapshot(),
      client: call.client,
      decision,
      policyVersion: event.policyVersion,
    });
    // Not bound to the client's signal: a request the dashboard did create must be withdrawn, not orphaned.
    approval = await dashboard.createApproval(request);
  } catch (error) {
    event.detail = { reason: "approval required; the request could not be created", error: messageOf(error) };
    return refusal(`this call needs a human approval but ${messageOf(error)}; the call was not executed.`);
  }
  event.kind = "held";
  event.approvalId = approval.id;
  trace.outcome = "held";

  const outcome = await awaitDecision({
    dashboard,
    approval,
    timeoutSeconds: decision.timeoutSeconds,
    signal: call.signal,
    timing: deps.timing,
    onWaiting: (ms) => call.progress?.waiting(`Waiting for human approval (request ${approval.id}, ${Math.round(ms / 1000)} s)`),
  });

  switch (outcome.status) {
    case "approved":
      return runApproved(ctx, outcome.state, argumentsHash);
    case "cancelled":
      event.detail = { resolution: "withdrawn", by: "client" };
      trace.outcome = "withdrawn";
      dashboard.reportResultInBackground(approval.id, { outcome: "withdrawn" });
      return refusal("the client cancelled this call while it waited for approval; the call was not executed.");
    case "unreachable":
      event.detail = { resolution: "dashboard unreachable", error: outcome.message };
      trace.outcome = "error";
      return refusal(`the Airlock dashboard could not be reached to learn the reviewers' decision (${outcome.message}); the call was not executed.`);
    case "rejected": {
      const { comment } = outcome.state;
      event.detail = { resolution: "rejected", decidedBy: outcome.state.decidedBy ?? null, ...(comment ? { comment } : {}) };
      trace.outcome = "rejected";
      return refusal(`a reviewer rejected this call${comment ? `: "${comment}"` : ""}. The call was not executed.`);
    }
    case "expired":
      if (decision.onTimeout === "allow") {
        // The rule says silence means yes: run the call as proposed, and say so in the audit trail.
        return runApproved(ctx, { ...outcome.state, approvedArguments: undefined, decidedBy: null, comment: null }, argumentsHash, "expired, allowed by the rule's onTimeout");
      }
      event.detail = { resolution: "expired" };
      trace.outcome = "expired";
      return refusal(`no reviewer decided within ${decision.timeoutSeconds} s; the call was not executed.`);
    case "withdrawn":
      event.detail = { resolution: "withdrawn", by: "dashboard" };
      trace.outcome = "withdrawn";
      return refusal("the approval request was withdrawn; the call was not executed.");
  }
}

/**
 * Runs an approved call exactly once. The approved arguments (a reviewer may
 * have edited them) must pass the input schema and the policy again: an edit
 * must not slip past another rule, and an edit that needs a different approval
 * is refused rather than sent around again.
 */
async function runApproved(
  { deps, call, tool, decision, event, trace, forwardOnce }: HoldContext,
  state: TApprovalState,
  proposedHash: string,
  resolution?: string,
): Promise<ToolAnswer> {
  const dashboard = deps.dashboard!;
  const args = state.approvedArguments ? restoreRedacted(state.approvedArguments, call.args, decision.redact) : call.args;
  const isEdited = hashArguments(args) !== proposedHash;
  const problems = tool.checkArguments(args);
  const policy = deps.policy.current;
  const again = policy ? evaluatePolicy(policy, policyCall(deps, call, tool, args)) : null;
  const why = problems.length
    ? `they do not match the tool's input schema (${problems.join("; ")})`
    : !again
      ? "no policy is loaded"
      : again.action === "deny"
        ? `the policy now denies them (${again.reason})`
        : again.action === "require_approval" && (again.rule?.name ?? null) !== (decision.rule?.name ?? null)
          ? `they fall under a different approval rule (${again.reason}) and are not sent for review a second time`
          : null;
  const base = { decidedBy: state.decidedBy ?? null, ...(state.comment ? { comment: state.comment } : {}) };
  if (why) {
    event.detail = { resolution: "approved arguments refused", edited: isEdited, why, ...base };
    trace.outcome = "denied";
    dashboard.reportResultInBackground(state.id, { outcome: "failed_upstream", error: `the bridge refused the approved arguments: ${why}`.slice(0, 4000) });
    return refusal(`a reviewer approved this call${isEdited ? " with edited arguments" : ""}, but they were not run because ${why}. The call was not executed.`);
  }

  event.detail = { resolution: resolution ?? (isEdited ? "approved_with_edits" : "approved"), ...base, ...(isEdited ? { executedArgumentsHash: hashArguments(args) } : {}) };
  try {
    const result = await forwardOnce(args);
    trace.outcome = "approved";
    dashboard.reportResultInBackground(
      state.id,
      !isTaskCreated(result) && result.isError ? { outcome: "failed_upstream", executedArguments: args, error: textOf(result) } : { outcome: "executed", executedArguments: args },
    );
    return result;
  } catch (error) {
    event.detail = { ...event.detail, upstreamError: messageOf(error) };
    dashboard.reportResultInBackground(state.id, { outcome: "failed_upstream", executedArguments: args, error: messageOf(error).slice(0, 4000) });
    throw error;
  }
}

/** An upstream's error result as one line for the approval record. */
function textOf(result: CallToolResult): string {
  const text = result.content
    .map((c) => (c.type === "text" ? c.text : `[${c.type}]`))
    .join(" ")
    .trim();
  return (text || "the tool reported an error").slice(0, 4000);
}
