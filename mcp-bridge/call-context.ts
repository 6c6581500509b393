import type { CallToolResult, CreateTaskResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import type { TContextEntry } from "../lib/bridge-api/bridge-api.types";
import { scanArguments } from "../lib/detectors/scan-content";
import { roleOfTool } from "../lib/detectors/session-chain";
import { signalsOf } from "../lib/detectors/signals";
import { normalizeIdentity } from "../lib/identity/normalize-identity";
import { NO_SIGNALS, policyNeeds } from "../lib/policy/evaluate";
import type { PolicyCall, TPolicy } from "../lib/policy/policy.types";
import { metaString } from "./approval-request";
import type { AuditSink } from "./audit-sink";
import type { WaitTiming } from "./await-decision";
import type { CallGrants } from "./call-grants";
import type { DashboardClient } from "./dashboard-client";
import type { BridgeMetrics } from "./metrics";
import type { PolicySource } from "./policy-source";
import type { SessionContext } from "./session-context";
import type { RegisteredTool, ToolRegistry } from "./tool-registry";

// What the gate and the hold share: the call, its dependencies and its trace.

export interface ForwardOptions {
  signal: AbortSignal;
  /** The client's `_meta`, minus the progress token and Airlock's own keys. */
  meta?: Record<string, unknown>;
  /** Upstream progress, relayed to the client when it asked for progress. */
  onProgress?: (progress: Progress) => void;
  /** The client asked for a task (`params.task`): the upstream answers with the task it created. */
  task?: Record<string, unknown>;
}

/** What binds a forwarded call's grant: the hash of the arguments forwarded (when already computed), and the approval of a held call. */
export interface ForwardBinding {
  argumentsHash?: string;
  approval?: { id: string; approvers: string[] };
}

/** What a tools/call returns: the tool's result, or, when the client asked for a task, the task created to run it. */
export type ToolAnswer = CallToolResult | CreateTaskResult;

export const isTaskCreated = (answer: ToolAnswer): answer is CreateTaskResult => "task" in answer && !("content" in answer);

/**
 * Whether the policy must see what a call returns: rules on results, or rules on the
 * session's facts (which the results feed). A task's result is fetched later through
 * `tasks/result`, past the result gate and the session chain, so such a policy refuses
 * task mode (fail closed) rather than let that result through unscreened, and a task's
 * result fetched while the policy has such rules (the task began before they did) is
 * withheld. Screening the payload when it is fetched would keep tasks usable; it needs
 * the call's context (and an audit event) after the call is over, and is left for later.
 */
export function mustScreenResults(policy: TPolicy): boolean {
  const needs = policyNeeds(policy);
  return needs.results || needs.session;
}

/** Performs the upstream call. The gate is its only caller. */
export type Forward = (tool: RegisteredTool, args: Record<string, unknown>, options: ForwardOptions) => Promise<ToolAnswer>;

export interface GateDeps {
  registry: ToolRegistry;
  policy: PolicySource;
  audit: AuditSink;
  dashboard?: DashboardClient;
  forward: Forward;
  timing?: WaitTiming;
  /** Per-call grants, when on: every forwarded call carries one, or is not forwarded. */
  grants?: CallGrants;
  /** How long a held call retries creating its request (tests shorten it); AIRLOCK_CREATE_RETRY_SECONDS otherwise. */
  createRetryWindowMs?: number;
  /** With --metrics: the counters the gate increments. */
  metrics?: BridgeMetrics;
}

/** Progress notifications for one request (present only when the client sent a progress token). */
export interface ProgressSink {
  waiting(message: string): void;
  relay(progress: Progress): void;
}

export interface GateCall {
  /** The tool's name as the client sent it. */
  name: string;
  args: Record<string, unknown>;
  meta: Record<string, unknown> | undefined;
  sessionId: string;
  session: SessionContext;
  client?: { name: string; version: string };
  /** Aborted when the client cancels the request. */
  signal: AbortSignal;
  progress?: ProgressSink;
  /** The client's `params.task`, when it asked for the call to run as a task. */
  task?: Record<string, unknown>;
  /** With OAuth: the user the session's bearer token names (verified); `_meta["airlock/user"]` is then ignored. */
  principal?: { email: string };
}

/**
 * The human the call is made for, in its one spelling: the verified user of the session's
 * token when the bridge checks tokens (OAuth); otherwise the agent's unverified claim in
 * `_meta["airlock/user"]`, or "" for nobody.
 */
export function principalOf(call: Pick<GateCall, "principal" | "meta">): string {
  if (call.principal) return call.principal.email;
  // One spelling per person, so a principal glob cannot be dodged with "Rita@X.test " or mailto:.
  return normalizeIdentity(metaString(call.meta, "airlock/user") ?? "");
}

/** What the session timeline records about a call once it is decided. */
export type TStepOutcome = NonNullable<TContextEntry["outcome"]>;

/** Shared by the gate and the hold: what happened, for the audit event and the timeline. */
export interface CallTrace {
  outcome: TStepOutcome;
  upstreamResult?: ToolAnswer;
  upstreamError?: unknown;
  /** The arguments the upstream ran. */
  forwardedArgs?: Record<string, unknown>;
  /** What the model got after the rules on results (when they changed or withheld it). */
  modelResult?: ToolAnswer;
}

/** Forwards at most once per client request, whatever the path. */
export type ForwardOnce = (args: Record<string, unknown>, binding?: ForwardBinding) => Promise<ToolAnswer>;

export class UnknownToolError extends Error {}

/** A refusal the model can read and adapt to (a tool result, not a protocol error). */
export function refusal(text: string): CallToolResult {
  return { content: [{ type: "text", text: `Airlock: ${text}` }], isError: true };
}

/** What a tool does to a session (reads private data, brings untrusted content, sends out), by its tags, annotations and name. */
export function roleOf(tool: RegisteredTool) {
  return roleOfTool({ server: tool.upstream, tool: tool.definition.name, annotations: tool.definition.annotations, tags: tool.tags });
}

/**
 * What the policy sees of a call: the tool's (untrusted) annotations, the bridge, principal
 * and session too. The detectors run on the arguments only when a rule reads `signals`
 * (the allow path of a policy without such rules pays nothing for them).
 */
export function policyCall(deps: GateDeps, call: GateCall, tool: RegisteredTool, args: Record<string, unknown>): PolicyCall {
  const policy = deps.policy.current;
  const needs = policy ? policyNeeds(policy) : null;
  const facts = needs?.session ? call.session.chain.facts() : null;
  return {
    server: tool.upstream,
    tool: call.name,
    args,
    annotations: tool.definition.annotations,
    bridge: deps.policy.bridgeName ?? "",
    principal: principalOf(call),
    session: {
      id: call.sessionId,
      client: call.client?.name,
      ...(facts ? { private: facts.private, untrusted: facts.untrusted, tainted: facts.tainted } : {}),
    },
    ...(needs?.argSignals ? { signals: { args: signalsOf(scanArguments(args)), result: NO_SIGNALS } } : {}),
    ...(needs?.session || needs?.argSignals ? { role: roleOf(tool) } : {}),
  };
}

/** Dashboard policies carry a version number; a local file's version is free text and not reported. */
export function policyVersionOf(policy: Pick<TPolicy, "version">): number | undefined {
  const n = Number(policy.version);
  return Number.isInteger(n) && n >= 1 ? n : undefined;
}
