import { randomUUID } from "node:crypto";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MAX_HELD_RESULT_CHARS, type TBridgeAuditEvent, type TChain, type TFindingWire } from "../lib/bridge-api/bridge-api.types";
import type { TFinding } from "../lib/detectors/detector.types";
import { scanResult } from "../lib/detectors/scan-content";
import type { TSessionFacts } from "../lib/detectors/session-chain";
import { signalsOf } from "../lib/detectors/signals";
import { evaluateResult, policyNeeds, type ResultDecision } from "../lib/policy/evaluate";
import type { PolicyDecision } from "../lib/policy/policy.types";
import { buildApprovalRequest } from "./approval-request";
import { awaitDecision } from "./await-decision";
import { type GateCall, type GateDeps, isTaskCreated, policyCall, principalOf, refusal, roleOf, type ToolAnswer } from "./call-context";
import { createApprovalWithRetry, createRetryWindowMs } from "./create-approval-with-retry";
import { DashboardError } from "./dashboard-client";
import { log } from "./log";
import { reviewNote, withReviewNote } from "./review-note";
import type { RegisteredTool } from "./tool-registry";

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Findings as reviewers and the audit trail get them: evidence clipped, at most 50. */
export function toWireFindings(findings: readonly TFinding[]): TFindingWire[] {
  return findings.slice(0, 50).map((f) => ({
    detector: f.detector.slice(0, 100),
    version: f.version,
    severity: f.severity,
    message: f.message.slice(0, 2000),
    location: f.location.slice(0, 1000),
    evidence: { text: f.evidence.text.slice(0, 2000), start: f.evidence.start, end: f.evidence.end },
  }));
}

/** The steps that brought private data and untrusted content into the session, named for reviewers. */
export function chainOf(call: GateCall, facts: TSessionFacts): TChain {
  return {
    private: facts.chain.private.map((i) => call.session.chain.labelOf(i)),
    untrusted: facts.chain.untrusted.map((i) => call.session.chain.labelOf(i)),
  };
}

/** What the detectors flag in secrets and PII is masked in the text that reaches the model. */
const REDACTED_KINDS = new Set(["secrets", "pii"]);
const CONTACT = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\+?\d[\d ().-]{7,}\d/g;

/** A span to mask, and whether it is a bulk contact list (only its addresses and numbers are masked). */
type TMaskSpan = TFinding["evidence"] & { isBulkList?: true };

/**
 * The ranges one span masks. Only a span the PII detector marked as a contact list is
 * masked piecemeal; any other span is masked whole however long it is (a PEM key block,
 * a JWT). A list in which no contact is recognised again is masked whole: fail closed.
 */
function rangesOf(text: string, span: TMaskSpan): Array<[number, number]> {
  if (!span.isBulkList) return [[span.start, span.end]];
  const contacts = [...text.slice(span.start, span.end).matchAll(CONTACT)].map((m): [number, number] => [
    span.start + m.index,
    span.start + m.index + m[0].length,
  ]);
  return contacts.length ? contacts : [[span.start, span.end]];
}

/** Masks spans in a text, overlapping ones merged; a cut field loses its unscanned tail. */
function maskText(text: string, spans: TMaskSpan[], cutAt: number | null): { text: string; count: number } {
  const ranges = spans.flatMap((span) => rangesOf(text, span));
  ranges.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  let out = "";
  let at = 0;
  const end = cutAt ?? text.length;
  for (const [from, to] of merged) {
    if (from >= end) break;
    out += `${text.slice(at, from)}[REDACTED]`;
    at = Math.min(to, end);
  }
  out += text.slice(at, end);
  if (cutAt !== null) out += ` [… ${text.length - cutAt} more characters were not scanned and are withheld by Airlock]`;
  return { text: out, count: merged.length };
}

/**
 * The result with each secret or PII span (medium or above) masked. A text too long to scan
 * whole is cut where scanning stopped: what was not scanned is not let through.
 */
export function redactResult(result: CallToolResult, findings: readonly TFinding[]): { result: CallToolResult; count: number } {
  const spans = new Map<string, TMaskSpan[]>();
  const cuts = new Map<string, number>();
  for (const f of findings) {
    if (f.detector === "scan-limits") cuts.set(f.location, f.evidence.start);
    if (!REDACTED_KINDS.has(f.detector) || f.severity === "low" || f.evidence.end <= f.evidence.start) continue;
    spans.set(f.location, [...(spans.get(f.location) ?? []), f.isBulkList ? { ...f.evidence, isBulkList: true } : f.evidence]);
  }
  let count = 0;
  const isHit = (location: string) => spans.has(location) || cuts.has(location);
  const mask = (location: string, text: string) => {
    if (!isHit(location)) return text;
    const masked = maskText(text, spans.get(location) ?? [], cuts.get(location) ?? null);
    count += masked.count;
    return masked.text;
  };
  const withheld = (what: string) => {
    count++;
    return { type: "text" as const, text: `[${what} with secrets or personal data was withheld by Airlock]` };
  };
  const content = result.content.map((block, i) => {
    const at = `content.${i}`;
    if (block.type === "text") return { ...block, text: mask(`${at}.text`, block.text) };
    if (block.type === "resource" && "text" in block.resource && typeof block.resource.text === "string")
      return { ...block, resource: { ...block.resource, text: mask(`${at}.resource.text`, block.resource.text) } };
    // A blob the detectors read as text and found something in is left out whole.
    if (block.type === "resource" && isHit(`${at}.resource.blob`)) return withheld("a resource");
    if (block.type === "resource_link") {
      // A link is followed by its URI: a masked URI would point elsewhere, so a link with a hit in it is left out.
      if (isHit(`${at}.uri`)) return withheld("a resource link");
      const { name, title, description } = block;
      return {
        ...block,
        name: mask(`${at}.name`, name),
        ...(title !== undefined ? { title: mask(`${at}.title`, title) } : {}),
        ...(description !== undefined ? { description: mask(`${at}.description`, description) } : {}),
      };
    }
    // Any other block with a hit in it (a field the detectors read that is not rewritten above) is left out whole: fail closed.
    if ([...spans.keys(), ...cuts.keys()].some((l) => l.startsWith(`${at}.`))) return withheld("a block");
    return block;
  });
  // Structured content is not rewritten piecemeal: with anything found in it, it is left out.
  const isStructuredHit = [...spans.keys(), ...cuts.keys()].some((l) => l.startsWith("structuredContent"));
  const { structuredContent, ...rest } = result;
  return { result: { ...rest, content, ...(structuredContent && !isStructuredHit ? { structuredContent } : {}) }, count };
}

/** A result as a reviewer sees it: whole when it fits, else each text clipped (the bridge releases the whole one). */
function heldResultOf(result: CallToolResult): Record<string, unknown> {
  if (JSON.stringify(result).length <= MAX_HELD_RESULT_CHARS) return result as Record<string, unknown>;
  const share = Math.floor(MAX_HELD_RESULT_CHARS / Math.max(1, result.content.length)) - 200;
  return {
    isError: result.isError ?? false,
    content: result.content.map((b) =>
      b.type === "text" ? { type: "text", text: b.text.length > share ? `${b.text.slice(0, share)}… [clipped for review]` : b.text } : { type: b.type },
    ),
    "airlock/clipped": true,
  };
}

export interface ScreenContext {
  deps: GateDeps;
  call: GateCall;
  tool: RegisteredTool;
  event: TBridgeAuditEvent;
}

/**
 * What the model may see of a result. The detectors read it when a rule needs them (rules
 * on results, or `session.*` for the chain); the session records what came in; the first
 * rule on results that matches passes, flags, redacts, blocks or holds it for a reviewer.
 * A policy without such rules adds nothing here.
 */
export async function screenResult(ctx: ScreenContext, args: Record<string, unknown>, answer: ToolAnswer): Promise<ToolAnswer> {
  const { deps, call, tool, event } = ctx;
  const policy = deps.policy.current;
  if (!policy || isTaskCreated(answer)) return answer;
  const needs = policyNeeds(policy);
  if (!needs.session && !needs.results) return answer;
  const findings = scanResult(answer);
  call.session.chain.observe(call.session.chain.nextIndex(), roleOf(tool), findings, { server: tool.upstream, tool: call.name });
  if (findings.length) event.detail = { ...event.detail, resultFindings: toWireFindings(findings).slice(0, 10) };
  if (!needs.results) return answer;

  const asked = policyCall(deps, call, tool, args);
  const decision = evaluateResult(policy, { ...asked, signals: { args: asked.signals?.args ?? signalsOf([]), result: signalsOf(findings) } });
  if (decision.action === "pass") return answer;
  event.detail = { ...event.detail, resultRule: decision.rule?.name ?? null, resultAction: decision.action };
  switch (decision.action) {
    case "flag":
      return answer;
    case "redact": {
      const { result, count } = redactResult(answer, findings);
      event.detail = { ...event.detail, redacted: count };
      return result;
    }
    case "block":
      return refusal(decision.message ?? `the tool ran, but its result was withheld by policy (${decision.reason}).`);
    case "hold_result":
      return holdResult(ctx, args, answer, findings, decision);
  }
}

/** A result held for a reviewer: released as it is, or withheld with the reviewer's comment. Fails closed. */
async function holdResult(
  ctx: ScreenContext,
  args: Record<string, unknown>,
  answer: CallToolResult,
  findings: readonly TFinding[],
  decision: ResultDecision,
): Promise<ToolAnswer> {
  const { deps, call, tool, event } = ctx;
  const { dashboard } = deps;
  if (!dashboard) {
    event.detail = { ...event.detail, resultResolution: "withheld; no dashboard to ask" };
    return refusal(`the tool ran, but its result must be seen by a reviewer first (${decision.reason}) and this bridge has no Airlock dashboard to ask.`);
  }
  const idempotencyKey = randomUUID();
  const epochAtCreation = dashboard.connectionEpoch;
  const asPolicyDecision = { ...decision, action: "require_approval" } as PolicyDecision;
  let approval: Awaited<ReturnType<typeof createApprovalWithRetry>>;
  try {
    const request = buildApprovalRequest({
      tool,
      exposedName: call.name,
      args,
      argumentsHash: event.argumentsHash!,
      meta: call.meta,
      sessionId: call.sessionId,
      timeline: call.session.snapshot(),
      client: call.client,
      principal: principalOf(call),
      principalVerified: call.principal !== undefined,
      decision: asPolicyDecision,
      policyVersion: event.policyVersion,
      idempotencyKey,
      bridgeInstance: dashboard.instanceId,
      stage: "result",
      heldResult: heldResultOf(answer),
      findings: toWireFindings(findings),
    });
    approval = await createApprovalWithRetry({
      dashboard,
      request,
      signal: call.signal,
      windowMs: Math.min(deps.createRetryWindowMs ?? createRetryWindowMs(), decision.timeoutSeconds * 1000),
      onRetry: (error, attempt, delayMs) => log(`could not hold the result of ${call.name} (attempt ${attempt}): ${error.message}; retrying in ${delayMs} ms`),
    });
  } catch (error) {
    if (!(error instanceof DashboardError) || error.isTransient) dashboard.withdrawByKeyInBackground(idempotencyKey);
    event.detail = { ...event.detail, resultResolution: "withheld; the request could not be created", error: messageOf(error) };
    return refusal(`the tool ran, but its result must be seen by a reviewer first and ${messageOf(error)}; the result was withheld.`);
  }
  event.detail = { ...event.detail, resultApprovalId: approval.id };
  const untrack = dashboard.trackHold(approval.id);
  const outcome = await awaitDecision({
    dashboard,
    approval,
    timeoutSeconds: decision.timeoutSeconds,
    signal: call.signal,
    timing: deps.timing,
    onWaiting: (ms) => call.progress?.waiting(`The tool's result waits for a reviewer (request ${approval.id}, ${Math.round(ms / 1000)} s)`),
    epochAtCreation,
  }).finally(untrack);
  const release = (resolution: string) => {
    event.detail = { ...event.detail, resultResolution: resolution };
    dashboard.reportResultInBackground(approval.id, { outcome: "executed", executedArguments: args });
    return answer;
  };
  switch (outcome.status) {
    case "approved": {
      const released = release("released by a reviewer");
      const note = reviewNote(outcome.state.comment, []);
      return note ? withReviewNote(released, note) : released;
    }
    case "expired":
      if (decision.onTimeout === "allow") return release("released: nobody decided in time and the rule allows it");
      event.detail = { ...event.detail, resultResolution: "withheld: nobody decided in time" };
      return refusal(`the tool ran, but no reviewer released its result within ${decision.timeoutSeconds} s; it was withheld.`);
    case "rejected": {
      const { comment } = outcome.state;
      event.detail = { ...event.detail, resultResolution: "withheld by a reviewer", ...(comment ? { comment } : {}) };
      return refusal(`the tool ran, but a reviewer withheld its result${comment ? `: "${comment}"` : ""}.`);
    }
    case "cancelled":
      event.detail = { ...event.detail, resultResolution: "withdrawn by the client" };
      dashboard.reportResultInBackground(approval.id, { outcome: "withdrawn" });
      return refusal("the client cancelled this call while its result waited for a reviewer.");
    case "withdrawn":
      event.detail = { ...event.detail, resultResolution: "withdrawn" };
      return refusal("the request to release this result was withdrawn; the result was withheld.");
    case "unreachable":
      event.detail = { ...event.detail, resultResolution: "withheld; dashboard unreachable", error: outcome.message };
      return refusal(`the Airlock dashboard could not be reached to learn whether this result may be released (${outcome.message}); it was withheld.`);
  }
}
