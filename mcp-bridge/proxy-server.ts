import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  CallToolResultSchema,
  type ClientCapabilities,
  CreateTaskResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { isDeniedOutright } from "../lib/policy/evaluate";
import type { AuditSink } from "./audit-sink";
import type { WaitTiming } from "./await-decision";
import { type Forward, type GateDeps, isTaskCreated, mustScreenResults } from "./call-context";
import type { CallGrants } from "./call-grants";
import type { DashboardClient } from "./dashboard-client";
import { noToolsNotice } from "./dashboard-problem";
import { mirroredCapabilities } from "./first-message";
import { gateToolCall, UnknownToolError } from "./gate";
import { DEFAULT_GRANT_HEADER, type GrantHeader } from "./grant-header";
import { log } from "./log";
import { type Backoff, ManagedUpstream } from "./managed-upstream";
import type { BridgeMetrics } from "./metrics";
import { Passthrough, passthroughCapabilities } from "./passthrough";
import type { PolicySource } from "./policy-source";
import { createProgressSink } from "./progress-sink";
import { SessionContext } from "./session-context";
import type { ToolAdmission } from "./tool-admission";
import { ToolRegistry } from "./tool-registry";
import { listAllTools } from "./upstream";
import type { UpstreamSecrets } from "./upstream-secrets";
import type { TUpstreamSpec } from "./upstream-spec";

/** The header named with --grant-header for this upstream, else the default (Authorization, or X-Airlock-Grant beside an Authorization credential). */
const grantHeaderOf = (configured: string | undefined): GrantHeader => (configured ? { name: configured } : DEFAULT_GRANT_HEADER);

/** Upstream calls may run long (a held call already waited); upstream progress resets the clock. */
const UPSTREAM_TIMEOUT_MS = 10 * 60_000;

/** What every downstream session shares: which upstreams to open, the policy, the audit trail, the dashboard. */
export interface BridgeCore {
  upstreams: TUpstreamSpec[];
  policy: PolicySource;
  audit: AuditSink;
  dashboard?: DashboardClient;
  version: string;
  timing?: WaitTiming;
  backoff?: Backoff;
  /** With a dashboard: which tools an admin enabled, pinned by hash. */
  admission?: ToolAdmission;
  /** What keeps the bridge from its dashboard's policy right now (a refused token, no answer), if anything. */
  dashboardProblem?: () => string | undefined;
  /** Each upstream's environment and headers (its credentials); none means the default environment only. */
  secrets?: UpstreamSecrets;
  /** Per-call grants, when on; `headers` names the header each HTTP upstream gets its grant in (default Authorization). */
  grants?: { calls: CallGrants; headers: ReadonlyMap<string, string> };
  /** With --metrics: the bridge's Prometheus metrics. */
  metrics?: BridgeMetrics;
}

export interface SessionOptions {
  /** Airlock's id for this MCP session (the reviewers' timeline and the audit trail group by it). */
  sessionId: string;
  /** The client's capabilities from its initialize request: the upstreams are told the same. */
  clientCapabilities?: ClientCapabilities;
  /** With OAuth: the verified user whose token opened the session; policy, self-approval and the audit trail see them. */
  principal?: { email: string };
  onClose?: () => void;
}

export interface BridgeSession {
  server: Server;
  sessionId: string;
  /** Closes the session's upstream connections (the server's transport is closed by its owner). */
  close(): Promise<void>;
}

/**
 * Opens one downstream session: its own connection to every upstream (so a
 * stateful server never mixes two clients' state), its own tool registry and
 * timeline, and a low-level Server whose tools/call goes through the gate and
 * only through it. Everything else passes through (see passthrough.ts).
 *
 * An upstream that cannot be reached, or that drops later, does not take the
 * session down: its tools leave the list (with `list_changed`), and it returns
 * when a reconnect succeeds. Only when no upstream at all can be reached at the
 * start does opening fail.
 */
export async function openSession(core: BridgeCore, { sessionId, clientCapabilities, principal, onClose }: SessionOptions): Promise<BridgeSession> {
  const registry = new ToolRegistry(core.upstreams.length > 1);
  const session = new SessionContext();
  // Created before the upstreams connect so their handlers can relay to it; connected to a transport later.
  let server: Server | undefined;
  let isOpen = false;
  const toolsChanged = () => {
    if (isOpen) server?.sendToolListChanged().catch(() => undefined);
  };
  /** Re-lists an upstream's tools; returns how many it lists, or undefined when listing failed. */
  const refresh = async (upstream: ManagedUpstream): Promise<number | undefined> => {
    const client = upstream.client;
    if (!client || !upstream.capabilities?.tools) {
      registry.setUpstreamTools(upstream.name, []);
      return 0;
    }
    try {
      const tools = await listAllTools(client);
      const admissions = await core.admission?.review(upstream.name, upstream.instructions, tools);
      registry.setUpstreamTools(upstream.name, tools, admissions);
      return tools.length;
    } catch (error) {
      log(`upstream ${upstream.name}: cannot list its tools`, error);
      return undefined;
    }
  };
  const reportReady = (upstream: ManagedUpstream, toolCount: number | undefined) => {
    const tools = toolCount === undefined ? "tools not listed" : `${toolCount} tool${toolCount === 1 ? "" : "s"}`;
    log(`upstream ${upstream.name}: ready (${tools}) in ${Date.now() - upstream.attemptStartedAt} ms`);
  };
  const refreshAll = () => Promise.all(upstreams.filter((u) => u.isUp).map(refresh));

  // The server's capabilities depend on the upstreams', so the passthrough is attached to it once they connected.
  const upstreams: ManagedUpstream[] = [];
  const mirrored = mirroredCapabilities(clientCapabilities);
  // No policy loaded yet counts as screening: the gate refuses every call then, and a task's result is withheld.
  const mustScreen = () => core.policy.current === null || mustScreenResults(core.policy.current);
  const passthrough = new Passthrough(upstreams, session, mirrored, core.admission, mustScreen);
  upstreams.push(
    ...core.upstreams.map(
      (spec) =>
        new ManagedUpstream(spec, {
          version: core.version,
          clientCapabilities: mirrored,
          backoff: core.backoff,
          secrets: core.secrets,
          grantHeader: core.grants ? grantHeaderOf(core.grants.headers.get(spec.name)) : undefined,
          configure(client, upstream) {
            client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
              await refresh(upstream);
              toolsChanged();
            });
            passthrough.configureUpstream(client, upstream);
          },
          onUp(upstream) {
            if (!isOpen) return;
            void refresh(upstream).then((count) => {
              reportReady(upstream, count);
              toolsChanged();
            });
          },
          onDown(upstream) {
            registry.setUpstreamTools(upstream.name, []);
            toolsChanged();
          },
        }),
    ),
  );

  const started = await Promise.allSettled(upstreams.map((u) => u.start()));
  const failed = started.flatMap((r, i) => (r.status === "rejected" ? [{ upstream: upstreams[i], error: r.reason as Error }] : []));
  if (failed.length === upstreams.length) {
    for (const { upstream, error } of failed) log(`upstream ${upstream.name}: failed to start: ${error.message}`);
    await Promise.allSettled(upstreams.map((u) => u.close()));
    throw new Error(`no upstream could be reached: ${failed.map(({ upstream, error }) => `${upstream.name}: ${error.message}`).join("; ")}`);
  }
  for (const { upstream, error } of failed) upstream.retryLater(error);
  const counts = await Promise.all(upstreams.map(refresh));
  upstreams.forEach((u, i) => {
    if (u.isUp) reportReady(u, counts[i]);
  });

  const live = upstreams.filter((u) => u.isUp);
  const relayed = passthroughCapabilities(live);
  // Without a policy no tool is listed: the instructions say why, so the agent does not face an unexplained empty list.
  const problem = core.dashboardProblem?.();
  const instructions = [problem && noToolsNotice(problem), upstreams.length === 1 ? upstreams[0].instructions : undefined].filter(Boolean).join("\n\n");
  server = new Server(
    { name: "airlock-bridge", version: core.version },
    {
      // The bridge itself changes the list (an upstream leaves or returns, a policy hides a tool): listChanged is true.
      capabilities: { tools: { listChanged: true }, ...relayed },
      instructions: instructions || undefined,
    },
  );
  passthrough.attach(server, relayed);
  // Clients that show server log messages get the same notice there; logging is declared only when an upstream has it.
  if (problem && relayed.logging) {
    server.oninitialized = () => {
      server!
        .sendLoggingMessage({ level: "error", logger: "airlock-bridge", data: noToolsNotice(problem) })
        .catch((error) => log(`session ${sessionId}: cannot send the notice`, error));
    };
  }

  // Only the gate holds this function (GateDeps.forward): there is no other route to an upstream's tools.
  const byName = new Map(upstreams.map((u) => [u.name, u]));
  const forward: Forward = async (tool, args, { signal, meta, onProgress, task }) => {
    const upstream = byName.get(tool.upstream);
    const client = upstream?.client;
    if (!upstream || !client) throw new McpError(ErrorCode.InternalError, `upstream "${tool.upstream}" is not connected; the bridge is reconnecting to it`);
    const params = { name: tool.originalName, arguments: args, ...(meta ? { _meta: meta } : {}) };
    if (task) {
      const created = await upstream.track(
        client,
        client.request({ method: "tools/call", params }, CreateTaskResultSchema, { signal, timeout: UPSTREAM_TIMEOUT_MS, task }),
      );
      return passthrough.exposeTask(upstream, created);
    }
    return (await upstream.track(
      client,
      client.callTool(params, CallToolResultSchema, {
        signal,
        timeout: UPSTREAM_TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        onprogress: onProgress,
      }),
    )) as CallToolResult;
  };
  const deps: GateDeps = {
    registry,
    policy: core.policy,
    audit: core.audit,
    dashboard: core.dashboard,
    forward,
    timing: core.timing,
    grants: core.grants?.calls,
    metrics: core.metrics,
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    // Listed afresh each time, so a definition changed without list_changed is caught before the model sees it.
    await refreshAll();
    const policy = core.policy.current;
    const bridge = core.policy.bridgeName ?? "";
    // What policy refuses outright is not shown to the model; it is still refused if called by name.
    const tools = registry
      .entries()
      .filter((t) => t.admission?.isAdmitted !== false)
      .filter((t) => !policy || !isDeniedOutright(policy, { server: t.upstream, tool: t.exposedName, annotations: t.definition.annotations, bridge }));
    return { tools: tools.map((t) => ({ ...t.definition, name: t.exposedName })) };
  });

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {}, _meta: meta } = request.params;
    const clientInfo = server!.getClientVersion();
    // Checked before the gate: a reviewer must not approve a call that cannot run as asked.
    const owner = request.params.task ? byName.get(registry.get(name)?.upstream ?? "") : undefined;
    if (owner && !owner.capabilities?.tasks?.requests?.tools?.call) {
      throw new McpError(ErrorCode.InvalidRequest, `the server "${owner.name}" does not run tool calls as tasks`);
    }
    try {
      const answer = await gateToolCall(deps, {
        name,
        args,
        meta,
        sessionId,
        session,
        client: clientInfo ? { name: clientInfo.name, version: clientInfo.version } : undefined,
        signal: extra.signal,
        progress: createProgressSink(extra.sendNotification, meta?.progressToken),
        task: request.params.task,
        principal,
      });
      // Asked to run as a task but refused (by policy, a reviewer, the inventory): no task exists, so the refusal is the error.
      if (request.params.task && !isTaskCreated(answer)) {
        throw new McpError(
          ErrorCode.InvalidRequest,
          answer.content
            .map((c) => (c.type === "text" ? c.text : ""))
            .join(" ")
            .trim() || "Airlock: the call was not executed.",
        );
      }
      return answer;
    } catch (error) {
      // A tool that does not exist is a malformed request, not a tool failure.
      if (error instanceof UnknownToolError) throw new McpError(ErrorCode.InvalidParams, error.message);
      throw error;
    }
  });

  const stopWatchingPolicy = core.policy.onChange(toolsChanged);
  const stopWatchingInventory = core.admission?.onChange(() => {
    void refreshAll().then(toolsChanged);
    // Prompts and resource templates are filtered by the same inventory: the client lists them again.
    passthrough.inventoryChanged();
  });
  // Every caller waits for the same closing: whoever frees the session's capacity must see its processes gone.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      isOpen = false;
      stopWatchingPolicy();
      stopWatchingInventory?.();
      await Promise.allSettled(upstreams.map((u) => u.close()));
    })());
  server.onerror = (error) => log(`session ${sessionId}:`, error);
  server.onclose = () => {
    void close();
    onClose?.();
  };
  isOpen = true;
  return { server, sessionId, close };
}
