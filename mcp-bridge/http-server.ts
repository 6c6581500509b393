import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { initializeCapabilities } from "./first-message";
import { log } from "./log";
import { openSession, type BridgeCore, type BridgeSession } from "./proxy-server";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
const MAX_SESSIONS = 1_000;
/** Larger JSON-RPC bodies are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a POST body up to the limit, as JSON. */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers["content-length"]);
  if (declared > MAX_BODY_BYTES) throw new BodyError(413, `request body too large (limit ${MAX_BODY_BYTES} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, `request body too large (limit ${MAX_BODY_BYTES} bytes)`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new BodyError(400, "parse error: the body is not JSON");
  }
}


export interface HttpBridge {
  url: string;
  close(): Promise<void>;
}

function jsonRpcError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message }, id: null }));
}

function hostnameOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value.includes("://") ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, "");
  } catch {
    return null;
  }
}

/**
 * Bound to loopback, the bridge answers only requests addressed to loopback and
 * not sent by a web page from elsewhere: without this a page in the user's
 * browser could reach local tools through DNS rebinding.
 */
function isAllowedOrigin(req: IncomingMessage, isLoopback: boolean): boolean {
  if (!isLoopback) return true;
  const host = hostnameOf(req.headers.host);
  if (!host || !LOOPBACK.has(host)) return false;
  const origin = req.headers.origin;
  return origin === undefined || LOOPBACK.has(hostnameOf(origin) ?? "");
}

interface HttpSession {
  transport: StreamableHTTPServerTransport;
  /** Responses still open (a call in flight, a held call waiting for a human, the GET stream). */
  openResponses: number;
  lastActiveAt: number;
}

/** Counts a response as activity for as long as it is open. */
function trackActivity(session: HttpSession, res: ServerResponse): void {
  session.openResponses++;
  session.lastActiveAt = Date.now();
  res.once("close", () => {
    session.openResponses--;
    session.lastActiveAt = Date.now();
  });
}

/**
 * Serves the bridge as Streamable HTTP at `/mcp`: one MCP session per client,
 * each with its own Server, session id, timeline and upstream sessions. A
 * session with no request and no open stream for `idleTimeoutMs` is closed,
 * with its upstream sessions: clients that vanish without DELETE do not keep
 * upstream processes alive.
 */
export async function serveHttp(core: BridgeCore, { host, port, idleTimeoutMs }: { host: string; port: number; idleTimeoutMs: number }): Promise<HttpBridge> {
  const sessions = new Map<string, HttpSession>();
  const isLoopback = LOOPBACK.has(host);
  if (!isLoopback) log(`warning: serving on ${host}, not loopback; the MCP endpoint has no authentication of its own`);

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) {
      if (session.openResponses > 0 || now - session.lastActiveAt < idleTimeoutMs) continue;
      log(`closing MCP session ${id}: idle for ${Math.round((now - session.lastActiveAt) / 1000)} s`);
      sessions.delete(id);
      session.transport.close().catch((error) => log(`closing idle session ${id} failed`, error));
    }
  }, Math.min(60_000, Math.max(250, idleTimeoutMs / 4)));
  sweep.unref();

  const startSession = async (req: IncomingMessage, res: ServerResponse, body: unknown) => {
    if (sessions.size >= MAX_SESSIONS) return jsonRpcError(res, 503, "too many open MCP sessions");
    const sessionId = randomUUID();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => sessionId,
      onsessioninitialized: (id) => void sessions.set(id, { transport, openResponses: 0, lastActiveAt: Date.now() }),
    });
    let session: BridgeSession;
    try {
      session = await openSession(core, { sessionId, clientCapabilities: initializeCapabilities(body), onClose: () => sessions.delete(sessionId) });
    } catch (error) {
      log("cannot open a session", error);
      return jsonRpcError(res, 502, `the bridge cannot reach its upstream servers: ${(error as Error).message}`);
    }
    await session.server.connect(transport);
    await transport.handleRequest(req, res, body);
    // Anything but a valid initialize leaves no session (and no upstream connections) behind.
    if (!sessions.has(sessionId)) {
      await session.server.close();
      await session.close();
    }
  };

  const http: HttpServer = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://bridge").pathname;
      if (path !== "/mcp") return jsonRpcError(res, 404, "not found: the MCP endpoint is /mcp");
      if (!isAllowedOrigin(req, isLoopback)) return jsonRpcError(res, 403, "forbidden: Host or Origin is not loopback");
      const header = req.headers["mcp-session-id"];
      const sessionId = Array.isArray(header) ? header[0] : header;
      const session = sessionId ? sessions.get(sessionId) : undefined;
      if (sessionId && !session) return jsonRpcError(res, 404, "session not found");
      if (session) trackActivity(session, res);
      const body = req.method === "POST" ? await readJsonBody(req) : undefined;
      if (session) return await session.transport.handleRequest(req, res, body);
      // Upstream connections are opened per session: only an initialize request may cost that.
      if (req.method !== "POST" || !initializeCapabilities(body)) return jsonRpcError(res, 400, "no session: start one with an initialize request");
      await startSession(req, res, body);
    } catch (error) {
      if (error instanceof BodyError) return jsonRpcError(res, error.status, error.message);
      log("HTTP request failed", error);
      if (!res.headersSent) jsonRpcError(res, 500, "internal error");
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, host, () => resolve());
  });
  const address = http.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}/mcp`;
  return {
    url,
    async close() {
      clearInterval(sweep);
      await Promise.allSettled([...sessions.values()].map((s) => s.transport.close()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
