import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { diffArguments } from "../lib/approvals/argument-diff";
import type { TApprovalState, TBridgeAuditEvent, TCreateApproval } from "../lib/bridge-api/bridge-api.types";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { scanArguments } from "../lib/detectors/scan-content";
import { evaluatePolicy } from "../lib/policy/evaluate";
import type { PolicyDecision } from "../lib/policy/policy.types";
import { redactArguments, restoreRedacted } from "../lib/policy/redact";
import { buildApprovalRequest } from "./approval-request";
import { awaitDecision } from "./await-decision";
import {
  type CallTrace,
  type ForwardOnce,
  type GateCall,
  type GateDeps,
  isTaskCreated,
  policyCall,
  principalOf,
  refusal,
  type ToolAnswer,
} from "./call-context";
import { createApprovalWithRetry, createRetryWindowMs } from "./create-approval-with-retry";
import { DashboardError } from "./dashboard-client";
import { log } from "./log";
import { chainOf, toWireFindings } from "./result-gate";
import { reviewNote, withReviewNote } from "./review-note";
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
  /** How many times an edited call was held again under a stricter rule (bounded). */
  reholds?: number;
}

/** An edit that keeps moving into stricter rules is refused after this many re-holds. */
const MAX_REHOLDS = 3;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A call the policy holds: ask the dashboard, wait for a reviewer, then run
 * the approved arguments once or return the reviewer's answer to the model.
 * Without a dashboard, or when it cannot be reached, the call fails closed.
 */
export async function holdForApproval(ctx: HoldContext): Promise<ToolAnswer> {
  const { deps, call, tool, decision, event, trace, shown } = ctx;
  const { dashboard } = deps;
  // A re-held edit is a new call for its reviewers; the audit event keeps the hash the agent proposed.
  event.argumentsHash ??= hashArguments(call.args);
  const argumentsHash = ctx.reholds ? hashArguments(call.args) : event.argumentsHash;
  if (!dashboard) {
    event.detail = { reason: "approval required; no dashboard configured", heldReason: decision.reason };
    return refusal(
      `this call needs a human approval (${decision.reason}) but this bridge runs with a local policy and no Airlock dashboard to ask; the call was not executed.`,
    );
  }

  let request: TCreateApproval;
  let approval: TApprovalState;
  const chainFacts = call.session.chain.facts();
  // One key for every attempt: a retried creation finds the request an earlier attempt made.
  const idempotencyKey = randomUUID();
  const epochAtCreation = dashboard.connectionEpoch;
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
      principal: principalOf(call),
      principalVerified: call.principal !== undefined,
      decision,
      policyVersion: event.policyVersion,
      idempotencyKey,
      bridgeInstance: dashboard.instanceId,
      // Reviewers see what the detectors found in the arguments, and the chain when the session completed one.
      findings: toWireFindings(scanArguments(shown)),
      ...(chainFacts?.tainted ? { chain: chainOf(call, chainFacts) } : {}),
    });
  } catch (error) {
    event.detail = { reason: "approval required; the request could not be built", error: messageOf(error) };
    return refusal(`this call needs a human approval but ${messageOf(error)}; the call was not executed.`);
  }
  try {
    approval = await createApprovalWithRetry({
      dashboard,
      request,
      signal: call.signal,
      windowMs: Math.min(deps.createRetryWindowMs ?? createRetryWindowMs(), decision.timeoutSeconds * 1000),
      onRetry: (error, attempt, delayMs) => {
        log(`could not create the approval request for ${call.name} (attempt ${attempt}): ${error.message}; retrying in ${delayMs} ms`);
        call.progress?.waiting(`The Airlock dashboard did not answer; asking again (attempt ${attempt + 1})`);
      },
    });
  } catch (error) {
    // The dashboard may have created it after all (a slow answer): it must not wait for a reviewer nobody waits on.
    if (!(error instanceof DashboardError) || error.isTransient) dashboard.withdrawByKeyInBackground(idempotencyKey);
    event.detail = { reason: "approval required; the request could not be created", error: messageOf(error) };
    return refusal(`this call needs a human approval but ${messageOf(error)}; the call was not executed.`);
  }
  event.kind = "held";
  if (ctx.reholds) event.detail = { ...event.detail, reheldFrom: event.approvalId ?? null };
  event.approvalId = approval.id;
  trace.outcome = "held";

  const untrack = dashboard.trackHold(approval.id);
  const finishWait = deps.metrics?.startHold();
  const outcome = await awaitDecision({
    dashboard,
    approval,
    timeoutSeconds: decision.timeoutSeconds,
    signal: call.signal,
    timing: deps.timing,
    onWaiting: (ms) => call.progress?.waiting(`Waiting for human approval (request ${approval.id}, ${Math.round(ms / 1000)} s)`),
    epochAtCreation,
  })
    .then(
      (waitedFor) => {
        finishWait?.(waitedFor.status);
        return waitedFor;
      },
      (error) => {
        finishWait?.("error");
        throw error;
      },
    )
    .finally(untrack);

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
        return runApproved(
          ctx,
          { ...outcome.state, approvedArguments: undefined, decidedBy: null, comment: null },
          argumentsHash,
          "expired, allowed by the rule's onTimeout",
        );
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

/** Which rule decided: its stable id, else its name (a local policy file), else the default. */
function ruleKey(decision: PolicyDecision): string {
  return decision.rule ? (decision.rule.id ? `id:${decision.rule.id}` : `name:${decision.rule.name}`) : "default";
}

/** Whether the policy now asks more of this call than the approval it has: another rule, more approvers, admins, or another group. */
export function needsNewApproval(approvedUnder: PolicyDecision, now: PolicyDecision): boolean {
  if (now.action !== "require_approval") return false;
  return (
    ruleKey(now) !== ruleKey(approvedUnder) ||
    now.approvers > approvedUnder.approvers ||
    (now.approverRole === "admin" && approvedUnder.approverRole !== "admin") ||
    (now.approverGroup !== undefined && now.approverGroup !== approvedUnder.approverGroup)
  );
}

/** Why an approval cannot run: it must carry the hash of what the approvers approved, and the arguments must hash to it. */
function bindingProblem(state: TApprovalState): string | null {
  if (!state.approvedArguments || !state.approvedArgumentsHash) return "the approval does not say which exact arguments were approved";
  if (hashArguments(state.approvedArguments) !== state.approvedArgumentsHash) return "the approved arguments do not match the hash the approvers approved";
  return null;
}

/**
 * Runs an approved call exactly once. The approved arguments must be the ones
 * the approvers approved (their hash), and (a reviewer may have edited them)
 * must pass the input schema and the whole policy again: an edit must not slip
 * past another rule. An edit that now needs a stricter approval (another rule,
 * more approvers, admins) is held again for that approval.
 */
async function runApproved(ctx: HoldContext, state: TApprovalState, proposedHash: string, resolution?: string): Promise<ToolAnswer> {
  const { deps, call, tool, decision, event, trace, forwardOnce } = ctx;
  const dashboard = deps.dashboard!;
  // onTimeout: allow runs the call as proposed; a reviewer's approval names exactly what it approved.
  const binding = resolution ? null : bindingProblem(state);
  const args = state.approvedArguments && !resolution ? restoreRedacted(state.approvedArguments, call.args, decision.redact) : call.args;
  const isEdited = hashArguments(args) !== proposedHash;
  const problems = binding ? [] : tool.checkArguments(args);
  const policy = deps.policy.current;
  // Always asked again: the edit, or a policy change while the call waited, may need more than was approved.
  const again = policy ? evaluatePolicy(policy, policyCall(deps, call, tool, args)) : null;
  const why = binding
    ? binding
    : problems.length
      ? `they do not match the tool's input schema (${problems.join("; ")})`
      : !policy
        ? "no policy is loaded"
        : again?.action === "deny"
          ? `the policy denies them (${again.reason})`
          : again && needsNewApproval(decision, again) && (ctx.reholds ?? 0) >= MAX_REHOLDS
            ? `they still need another approval (${again.reason}) after ${MAX_REHOLDS} re-reviews`
            : null;
  const base = { decidedBy: state.decidedBy ?? null, ...(state.comment ? { comment: state.comment } : {}) };
  if (!why && again && needsNewApproval(decision, again)) {
    // The edit moved the call under a stricter rule: its own reviewers decide the edited call.
    event.detail = { ...event.detail, resolution: "edited into a stricter rule; held again", ...base, firstApprovalId: state.id };
    dashboard.reportResultInBackground(state.id, { outcome: "reheld", error: `the edited arguments fall under ${again.reason}; held again for that approval` });
    const shown = redactArguments(args, again.redact);
    return holdForApproval({ ...ctx, call: { ...call, args }, decision: again, shown, reholds: (ctx.reholds ?? 0) + 1 });
  }
  if (why) {
    event.detail = { resolution: "approved arguments refused", edited: isEdited, why, ...base };
    trace.outcome = "denied";
    dashboard.reportResultInBackground(state.id, { outcome: "failed_upstream", error: `the bridge refused the approved arguments: ${why}`.slice(0, 4000) });
    return refusal(
      `a reviewer approved this call${isEdited ? " with edited arguments" : ""}, but they were not run because ${why}. The call was not executed.`,
    );
  }

  const executedHash = hashArguments(args);
  event.detail = {
    resolution: resolution ?? (isEdited ? "approved_with_edits" : "approved"),
    ...base,
    ...(isEdited ? { executedArgumentsHash: executedHash } : {}),
  };
  // The upstream's grant names the approval and everyone whose approval counted (none when the rule's onTimeout allowed it).
  const approvers = resolution ? [] : (state.approvedBy ?? (state.decidedBy ? [state.decidedBy] : []));
  try {
    const result = await forwardOnce(args, { argumentsHash: executedHash, approval: { id: state.id, approvers } });
    trace.outcome = "approved";
    const review = resolution ? null : reviewNote(state.comment, isEdited ? diffArguments(call.args, args).map((c) => c.path) : []);
    dashboard.reportResultInBackground(
      state.id,
      !isTaskCreated(result) && result.isError
        ? { outcome: "failed_upstream", executedArguments: args, error: textOf(result) }
        : { outcome: "executed", executedArguments: args },
    );
    return review ? withReviewNote(result, review) : result;
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
