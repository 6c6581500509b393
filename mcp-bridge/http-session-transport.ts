import type { IncomingMessage, ServerResponse } from "node:http";
import type { Transport, TransportSendOptions } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  CancelledNotificationSchema,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type JSONRPCRequest,
  type JSONRPCResultResponse,
  type MessageExtraInfo,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
} from "@modelcontextprotocol/sdk/types.js";

/** More messages than this in one POST are refused (the SDK's limit too). */
export const MAX_BATCH_MESSAGES = 100;
/**
 * A POST whose answer is not ready this soon becomes an SSE stream: its
 * headers go out and keep-alive comments follow, so a call held for a human
 * is not cut by a client's or a proxy's idle timeout.
 */
export const JSON_WINDOW_MS = 1_000;
/** Interval of the `: keepalive` comments on open SSE streams (the SDK's default). */
export const KEEPALIVE_MS = 15_000;

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive", "x-accel-buffering": "no" };

/** An HTTP-level refusal: status, JSON-RPC error code and a message for the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = -32000,
  ) {
    super(message);
  }
}

export function writeJsonRpcError(res: ServerResponse, status: number, message: string, code = -32000, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers }).end(body);
}

/** The open answer to one POST that carried requests. */
interface Reply {
  res: ServerResponse;
  /** Requests of this POST still waiting for their response. */
  unanswered: Set<RequestId>;
  /** The SSE headers are out: further messages are events. */
  isStream: boolean;
  /** Ended by us, or closed by the client: nothing more is written. */
  isDone: boolean;
  timer?: NodeJS.Timeout;
}

function writeEvent(res: ServerResponse, message: JSONRPCMessage): void {
  res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
}

function keepAlive(res: ServerResponse): NodeJS.Timeout {
  const timer = setInterval(() => res.write(": keepalive\n\n"), KEEPALIVE_MS);
  timer.unref();
  return timer;
}

// Structural checks for messages already validated against JSONRPCMessageSchema (or built by
// the SDK's Protocol): the SDK's own type guards run a zod parse each, several times a call.
const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest => "method" in m && "id" in m;
const isResponse = (m: JSONRPCMessage): m is JSONRPCResultResponse | JSONRPCErrorResponse => "id" in m && !("method" in m);

function accepts(req: IncomingMessage, type: string): boolean {
  return (req.headers.accept ?? "").includes(type);
}

function isJsonContentType(value: string | undefined): boolean {
  return value === "application/json" || value?.split(";")[0].trim().toLowerCase() === "application/json";
}

/**
 * The server side of one Streamable HTTP session, on node:http directly. It
 * does what the SDK's StreamableHTTPServerTransport does for the bridge
 * (sessions, SSE answers to POSTs with progress and server requests routed to
 * the request they belong to, the GET stream, DELETE, version and media type
 * checks, keep-alives) without converting every request to a WHATWG Request
 * and every answer to a ReadableStream, which was most of the bridge's cost
 * per call. One difference on purpose: a POST answered by a single response
 * within JSON_WINDOW_MS gets it as `application/json`, which the spec allows
 * and clients parse faster than a stream; anything else is SSE.
 *
 * Session lookup, Host/Origin checks and the body limit are the caller's
 * (http-server.ts): this class sees one session's requests, bodies parsed.
 */
export class HttpSessionTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  private readonly replies = new Map<RequestId, Reply>();
  /** Requests the client cancelled: a response that still comes for one is dropped (the client no longer waits for it). */
  private readonly cancelled = new Set<RequestId>();
  private standalone: { res: ServerResponse; timer: NodeJS.Timeout } | undefined;
  private isInitialized = false;
  private isClosed = false;

  constructor(
    readonly sessionId: string,
    private readonly onInitialized: () => void,
  ) {}

  async start(): Promise<void> {}

  get initialized(): boolean {
    return this.isInitialized;
  }

  /** Answers one HTTP request of this session; throws HttpError for requests it refuses before anything is written. */
  handle(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    if (this.isClosed) throw new HttpError(404, "session not found", -32001);
    switch (req.method) {
      case "POST":
        return this.handlePost(req, res, body);
      case "GET":
        return this.handleGet(req, res);
      case "DELETE":
        this.checkProtocolVersion(req);
        void this.close().then(() => res.writeHead(200).end());
        return;
      default:
        writeJsonRpcError(res, 405, "method not allowed: use POST, GET or DELETE", -32000, { allow: "GET, POST, DELETE" });
    }
  }

  private checkProtocolVersion(req: IncomingMessage): void {
    const version = req.headers["mcp-protocol-version"];
    if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) {
      throw new HttpError(400, `unsupported protocol version ${String(version)} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`);
    }
  }

  private handlePost(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    if (!accepts(req, "application/json") || !accepts(req, "text/event-stream")) {
      throw new HttpError(406, "not acceptable: the client must accept both application/json and text/event-stream");
    }
    if (!isJsonContentType(req.headers["content-type"])) throw new HttpError(415, "unsupported media type: Content-Type must be application/json");
    const raw = Array.isArray(body) ? body : [body];
    if (raw.length === 0 || raw.length > MAX_BATCH_MESSAGES) throw new HttpError(400, `a POST carries 1 to ${MAX_BATCH_MESSAGES} JSON-RPC messages`, -32600);
    const messages: JSONRPCMessage[] = [];
    for (const item of raw) {
      const parsed = JSONRPCMessageSchema.safeParse(item);
      if (!parsed.success) throw new HttpError(400, `invalid JSON-RPC message: ${parsed.error.issues[0]?.message ?? "malformed"}`, -32600);
      messages.push(parsed.data);
    }

    if (messages.some((m) => isRequest(m) && m.method === "initialize")) {
      if (this.isInitialized) throw new HttpError(400, "invalid request: the session is already initialized", -32600);
      if (messages.length > 1) throw new HttpError(400, "invalid request: initialize must be sent alone", -32600);
      this.isInitialized = true;
      this.onInitialized();
    } else {
      if (!this.isInitialized) throw new HttpError(400, "bad request: the session is not initialized");
      this.checkProtocolVersion(req);
    }

    const requestIds = messages.filter(isRequest).map((m) => m.id);
    for (const [at, id] of requestIds.entries()) {
      if (this.replies.has(id) || requestIds.indexOf(id) !== at)
        throw new HttpError(400, `invalid request: request id ${String(id)} is already in flight`, -32600);
    }
    const extra: MessageExtraInfo = { requestInfo: { headers: req.headers } };
    if (requestIds.length === 0) {
      res.writeHead(202).end();
      return this.deliver(messages, extra);
    }

    const reply: Reply = { res, unanswered: new Set(requestIds), isStream: false, isDone: false };
    for (const id of requestIds) this.replies.set(id, reply);
    res.once("close", () => this.finish(reply));
    if (requestIds.length > 1) this.openStream(reply);
    else reply.timer = setTimeout(() => this.openStream(reply), JSON_WINDOW_MS);
    this.deliver(messages, extra);
  }

  private deliver(messages: JSONRPCMessage[], extra: MessageExtraInfo): void {
    for (const message of messages) {
      this.onmessage?.(message, extra);
      // A cancelled request gets no response (the SDK's Protocol drops it): its POST ends here instead of staying open.
      if (!isRequest(message) && "method" in message && message.method === "notifications/cancelled") {
        const cancelled = CancelledNotificationSchema.safeParse(message);
        const id = cancelled.success ? cancelled.data.params.requestId : undefined;
        if (id !== undefined) this.settle(id);
      }
    }
  }

  private handleGet(req: IncomingMessage, res: ServerResponse): void {
    if (!accepts(req, "text/event-stream")) throw new HttpError(406, "not acceptable: the client must accept text/event-stream");
    this.checkProtocolVersion(req);
    if (this.standalone) throw new HttpError(409, "conflict: this session already has a GET stream");
    res.writeHead(200, { ...SSE_HEADERS, "mcp-session-id": this.sessionId });
    res.flushHeaders();
    const standalone = { res, timer: keepAlive(res) };
    this.standalone = standalone;
    res.once("close", () => {
      clearInterval(standalone.timer);
      if (this.standalone === standalone) this.standalone = undefined;
    });
  }

  private openStream(reply: Reply): void {
    if (reply.isStream || reply.isDone) return;
    clearTimeout(reply.timer);
    reply.isStream = true;
    reply.res.writeHead(200, { ...SSE_HEADERS, "mcp-session-id": this.sessionId });
    reply.res.flushHeaders();
    reply.timer = keepAlive(reply.res);
  }

  /** Ends a reply: every request in it is settled, or the client left. */
  private finish(reply: Reply): void {
    if (reply.isDone) return;
    reply.isDone = true;
    clearTimeout(reply.timer); // Node's clearTimeout clears intervals too
    if (reply.res.writableEnded || reply.res.destroyed) return;
    // Settled with nothing to send (a cancelled request): an empty stream ends the POST.
    if (!reply.isStream) reply.res.writeHead(200, { ...SSE_HEADERS, "mcp-session-id": this.sessionId });
    reply.res.end();
  }

  /** Forgets a request that will get no response (it was cancelled); ends its POST when it was the last one open. */
  private settle(id: RequestId): void {
    const reply = this.replies.get(id);
    if (!reply) return;
    this.replies.delete(id);
    this.cancelled.add(id);
    if (this.cancelled.size > 1_000) this.cancelled.delete(this.cancelled.values().next().value!);
    reply.unanswered.delete(id);
    if (reply.unanswered.size === 0) this.finish(reply);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.isClosed) throw new Error("the MCP session is closed");
    const answers = isResponse(message);
    const id = answers ? message.id : options?.relatedRequestId;
    const reply = id === undefined ? undefined : this.replies.get(id);
    if (!reply) {
      if (answers && this.cancelled.delete(id!)) return;
      if (answers) throw new Error(`no open request ${String(id)} to answer`);
      // Not tied to an open request (or its request is gone): the GET stream carries it, if the client opened one.
      if (this.standalone) writeEvent(this.standalone.res, message);
      return;
    }
    if (!answers) {
      if (reply.isDone) {
        // The client left that POST. A request of the server's (elicitation, sampling) still needs an answer: the GET stream carries it.
        if ("id" in message && this.standalone) writeEvent(this.standalone.res, message);
        return;
      }
      this.openStream(reply);
      return writeEvent(reply.res, message);
    }
    this.replies.delete(id!);
    reply.unanswered.delete(id!);
    if (reply.isDone) return;
    if (!reply.isStream && reply.unanswered.size === 0) {
      reply.isDone = true;
      clearTimeout(reply.timer);
      const body = JSON.stringify(message);
      reply.res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body), "mcp-session-id": this.sessionId }).end(body);
      return;
    }
    this.openStream(reply);
    writeEvent(reply.res, message);
    if (reply.unanswered.size === 0) this.finish(reply);
  }

  /** Ends every open stream; requests still waiting are told the session closed. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const [id, reply] of [...this.replies]) {
      if (reply.isDone) continue;
      this.openStream(reply);
      writeEvent(reply.res, { jsonrpc: "2.0", id, error: { code: -32000, message: "the MCP session was closed" } });
    }
    for (const reply of new Set(this.replies.values())) this.finish(reply);
    this.replies.clear();
    if (this.standalone) {
      clearInterval(this.standalone.timer);
      this.standalone.res.end();
      this.standalone = undefined;
    }
    this.onclose?.();
  }
}
