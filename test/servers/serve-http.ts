// Serves MCP servers of the repo's test fixtures over Streamable HTTP at /mcp:
// one transport and one server per session.
import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer, type IncomingMessage } from "node:http";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

export function serveStreamableHttp(newServer: () => McpServer, options: { isAllowed?: (req: IncomingMessage) => boolean } = {}): HttpServer {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  return createServer(async (req, res) => {
    if (options.isAllowed && !options.isAllowed(req)) return res.writeHead(403).end("forbidden host or origin");
    const id = req.headers["mcp-session-id"];
    const existing = typeof id === "string" ? transports.get(id) : undefined;
    if (existing) return existing.handleRequest(req, res);
    if (id) return res.writeHead(404).end("unknown session");
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => void transports.set(sid, transport),
    });
    transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
    await newServer().connect(transport);
    await transport.handleRequest(req, res);
  });
}
