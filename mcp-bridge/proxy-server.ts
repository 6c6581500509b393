import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  CallToolResultSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { gateToolCall, UnknownToolError, type GateDeps } from "./gate";
import { SessionContext } from "./session-context";
import { listAllTools, type Upstream } from "./upstream";
import { ToolRegistry, type RegisteredTool } from "./tool-registry";
import type { AuditSink } from "./audit-sink";
import type { DashboardClient } from "./dashboard-client";
import type { PolicySource } from "./policy-source";

/** Upstream calls may run long (a held call already waited); progress resets the clock. */
const UPSTREAM_TIMEOUT_MS = 10 * 60_000;

export interface ProxyOptions {
  upstreams: Upstream[];
  policy: PolicySource;
  audit: AuditSink;
  dashboard?: DashboardClient;
  version: string;
}

/**
 * The MCP server the client talks to: a low-level Server whose tools/list is
 * the upstreams' tools and whose tools/call goes through the gate only.
 */
export async function createProxyServer({ upstreams, policy, audit, dashboard, version }: ProxyOptions) {
  const registry = new ToolRegistry(upstreams.length > 1);
  const byName = new Map(upstreams.map((u) => [u.spec.name, u]));
  const hasListChanged = upstreams.some((u) => u.client.getServerCapabilities()?.tools?.listChanged);
  const server = new Server(
    { name: "airlock-bridge", version },
    { capabilities: { tools: { listChanged: hasListChanged } }, instructions: upstreams.length === 1 ? upstreams[0].client.getInstructions() : undefined },
  );
  const session = new SessionContext();
  const sessionId = randomUUID();

  const refresh = async (upstream: Upstream) => registry.setUpstreamTools(upstream.spec.name, await listAllTools(upstream.client));
  await Promise.all(upstreams.map(refresh));
  for (const upstream of upstreams) {
    upstream.client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      await refresh(upstream);
      await server.sendToolListChanged();
    });
  }

  const forward = async (tool: RegisteredTool, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> => {
    const upstream = byName.get(tool.upstream)!;
    return (await upstream.client.callTool({ name: tool.originalName, arguments: args }, CallToolResultSchema, {
      signal,
      timeout: UPSTREAM_TIMEOUT_MS,
      resetTimeoutOnProgress: true,
    })) as CallToolResult;
  };
  const deps: GateDeps = { registry, policy, audit, dashboard, forward };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: registry.list() }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args = {}, _meta: meta } = request.params;
    const progressToken = meta?.progressToken;
    let progress = 0;
    try {
      return await gateToolCall(deps, {
        name,
        args,
        meta,
        sessionId,
        session,
        client: server.getClientVersion(),
        signal: extra.signal,
        onWaiting:
          progressToken === undefined
            ? undefined
            : (message) => {
                void extra
                  .sendNotification({ method: "notifications/progress", params: { progressToken, progress: ++progress, message } })
                  .catch(() => undefined);
              },
      });
    } catch (error) {
      if (error instanceof UnknownToolError) throw new McpError(ErrorCode.InvalidParams, error.message);
      throw error;
    }
  });

  return { server, registry, sessionId };
}
