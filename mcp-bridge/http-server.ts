import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { initializeCapabilities } from "./first-message";
import { HttpError, HttpSessionTransport, writeJsonRpcError } from "./http-session-transport";
import { log } from "./log";
import { type BridgeCore, type BridgeSession, openSession } from "./proxy-server";
import type { Principal, ResourceServer } from "./resource-server";
import { SessionCapacity } from "./session-capacity";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
/** Larger JSON-RPC bodies are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Reads a POST body up to the limit, as JSON. */
function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const tooLarge = () => new HttpError(413, `request body too large (limit ${MAX_BODY_BYTES} bytes)`);
  if (Number(req.headers["content-length"]) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.removeAllListeners("data").resume();
      reject(tooLarge());
    });
    req.once("error", reject);
    req.once("end", () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")));
      } catch {
        reject(new HttpError(400, "parse error: the body is not JSON", -32700));
      }
    });
  });
}

export interface HttpBridge {
  url: string;
  /** With OAuth: the resource server that checks tokens. */
  resourceServer?: ResourceServer;
  close(): Promise<void>;
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

const METADATA_PREFIX = "/.well-known/oauth-protected-resource";

function isMetadataPath(path: string): boolean {
  return path === METADATA_PREFIX || path.startsWith(`${METADATA_PREFIX}/`);
}

/** RFC 9728 metadata, public (clients read it before they have a token); 503 while the authorization server is unknown. */
async function serveMetadata(resourceServer: ResourceServer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") return writeJsonRpcError(res, 405, "method not allowed", -32000, { allow: "GET" });
  let metadata: Awaited<ReturnType<ResourceServer["metadata"]>>;
  try {
    metadata = await resourceServer.metadata();
  } catch (error) {
    log("cannot read the dashboard's OAuth metadata", error);
    return writeJsonRpcError(res, 503, "unavailable: the bridge cannot reach its authorization server", -32000, { "retry-after": "5" });
  }
  const body = JSON.stringify(metadata);
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "cache-control": "max-age=300" }).end(body);
}

interface HttpSession {
  transport: HttpSessionTransport;
  /** With OAuth: the user whose token opened the session; every later request must carry a token of the same user. */
  principal?: Principal;
  /** Ends the session's upstream connections and processes, then frees its capacity. */
  end(): Promise<void>;
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
export async function serveHttp(
  core: BridgeCore,
  {
    host,
    port,
    idleTimeoutMs,
    maxSessions,
    maxUpstreamProcesses,
    auth,
  }: {
    host: string;
    port: number;
    idleTimeoutMs: number;
    maxSessions: number;
    maxUpstreamProcesses: number;
    /** With OAuth: verifies each request's bearer token (created once the port is known: its resource URL may name the port). */
    auth?: (boundUrl: string) => ResourceServer;
  },
): Promise<HttpBridge> {
  const sessions = new Map<string, HttpSession>();
  const capacity = new SessionCapacity({
    maxSessions,
    maxProcesses: maxUpstreamProcesses,
    processesPerSession: core.upstreams.filter((u) => u.kind === "stdio").length,
  });
  // A client retrying in a loop would repeat the refusal hundreds of times: say it once until a slot frees.
  let isRefusalLogged = false;
  const isLoopback = LOOPBACK.has(host);
  // Refused at parse time unless --insecure-no-auth was given: then say it once more, here.
  if (!isLoopback && !auth)
    log(`WARNING: serving on ${host}, not loopback, WITHOUT authentication (--insecure-no-auth): anyone who reaches the port can call the tools`);
  let resourceServer: ResourceServer | undefined;

  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, session] of sessions) {
        if (session.openResponses > 0 || now - session.lastActiveAt < idleTimeoutMs) continue;
        log(`closing MCP session ${id}: idle for ${Math.round((now - session.lastActiveAt) / 1000)} s`);
        sessions.delete(id);
        session.transport.close().catch((error) => log(`closing idle session ${id} failed`, error));
      }
    },
    Math.min(60_000, Math.max(250, idleTimeoutMs / 4)),
  );
  sweep.unref();

  const startSession = async (req: IncomingMessage, res: ServerResponse, body: unknown, principal: Principal | undefined) => {
    // Claimed before anything is spawned, and synchronously: a burst of initialize requests cannot overshoot.
    const claimed = capacity.tryClaim();
    if ("refusal" in claimed) {
      if (!isRefusalLogged) log(`refusing new MCP sessions: ${claimed.refusal}`);
      isRefusalLogged = true;
      return writeJsonRpcError(res, 503, claimed.refusal);
    }
    const release = () => {
      claimed.claim.release();
      isRefusalLogged = false;
    };
    const sessionId = randomUUID();
    let session: BridgeSession | undefined;
    // The slot is freed only once the upstream processes are gone, so the cap counts processes still dying.
    const end = async () => {
      sessions.delete(sessionId);
      try {
        await session?.close();
      } finally {
        release();
      }
    };
    const transport = new HttpSessionTransport(
      sessionId,
      () => void sessions.set(sessionId, { transport, principal, end, openResponses: 0, lastActiveAt: Date.now() }),
    );
    try {
      session = await openSession(core, {
        sessionId,
        principal,
        clientCapabilities: initializeCapabilities(body),
        onClose: () => void end().catch((error) => log(`closing session ${sessionId} failed`, error)),
      });
    } catch (error) {
      release();
      log("cannot open a session", error);
      return writeJsonRpcError(res, 502, `the bridge cannot reach its upstream servers: ${(error as Error).message}`);
    }
    await session.server.connect(transport);
    try {
      transport.handle(req, res, body);
    } finally {
      // Anything but a valid initialize leaves no session (and no upstream connections) behind.
      if (!transport.initialized) {
        await session.server.close();
        await end();
      }
    }
  };

  const http: HttpServer = createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://bridge").pathname;
      // Auth is configured but not yet set up (the port was only just bound): nothing passes unchecked.
      if (auth && !resourceServer) return writeJsonRpcError(res, 503, "unavailable: the bridge is starting", -32000, { "retry-after": "1" });
      if (resourceServer && isMetadataPath(path)) return await serveMetadata(resourceServer, req, res);
      if (path !== "/mcp") return writeJsonRpcError(res, 404, "not found: the MCP endpoint is /mcp");
      if (!isAllowedOrigin(req, isLoopback)) return writeJsonRpcError(res, 403, "forbidden: Host or Origin is not loopback");
      let principal: Principal | undefined;
      if (resourceServer) {
        const checked = await resourceServer.authenticate(req);
        if ("failure" in checked) {
          const { failure } = checked;
          const headers: Record<string, string> = failure.status === 503 ? { "retry-after": "5" } : { "www-authenticate": resourceServer.challenge(failure) };
          return writeJsonRpcError(res, failure.status, `${failure.status === 503 ? "unavailable" : "unauthorized"}: ${failure.description}`, -32000, headers);
        }
        principal = checked.principal;
      }
      const header = req.headers["mcp-session-id"];
      const sessionId = Array.isArray(header) ? header[0] : header;
      const session = sessionId ? sessions.get(sessionId) : undefined;
      if (sessionId && !session) return writeJsonRpcError(res, 404, "session not found");
      // A session belongs to the user who opened it: another user's token cannot ride on its id.
      if (session?.principal && session.principal.subject !== principal?.subject) {
        return writeJsonRpcError(res, 403, "forbidden: this MCP session belongs to another user");
      }
      if (session) trackActivity(session, res);
      const body = req.method === "POST" ? await readJsonBody(req) : undefined;
      if (session) return session.transport.handle(req, res, body);
      // Upstream connections are opened per session: only an initialize request may cost that.
      if (req.method !== "POST" || !initializeCapabilities(body)) return writeJsonRpcError(res, 400, "no session: start one with an initialize request");
      await startSession(req, res, body, principal);
    } catch (error) {
      if (error instanceof HttpError) return writeJsonRpcError(res, error.status, error.message, error.code);
      log("HTTP request failed", error);
      if (!res.headersSent) writeJsonRpcError(res, 500, "internal error");
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
  resourceServer = auth?.(url);
  return {
    url,
    resourceServer,
    async close() {
      clearInterval(sweep);
      // Waits for the upstream process trees to end: the bridge must not exit leaving them behind.
      await Promise.allSettled(
        [...sessions.values()].map(async (s) => {
          await s.transport.close();
          await s.end();
        }),
      );
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
