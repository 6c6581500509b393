import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { type GrantHeader, takeGrant } from "./grant-header";

/** One event of a `text/event-stream`, as far as MCP uses them. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * A kept-alive connection idle this long is closed (sooner if the server's
 * Keep-Alive hint says so): before the usual 5 s of servers, so a request
 * seldom meets a connection the server is closing. Node applies this to idle
 * sockets only; a long answer or stream is not cut.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * Requests that only read, sent again when a stale kept-alive connection failed
 * them before any answer. Anything else that has an answer (a tools/call above
 * all) is never sent twice: the upstream may have run it.
 */
const SAFE_TO_RESEND = new Set([
  "ping",
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "tasks/get",
  "tasks/list",
  "tasks/result",
]);

/** An event larger than this (counted from the end of the one before) ends the stream: an upstream cannot make the bridge buffer without bound. */
export const MAX_EVENT_BYTES = 32 * 1024 * 1024;

/**
 * Incremental `text/event-stream` parser (the WHATWG rules MCP relies on:
 * `\n`, `\r\n` or `\r` line ends, multi-line `data`, comments, `event`, `id`).
 */
export class SseParser {
  /** The pieces of a line not yet ended (kept apart: joining on every chunk would be quadratic). */
  private partial: string[] = [];
  private data: string[] = [];
  private event = "";
  private id: string | undefined;
  private size = 0;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  /** Set when a chunk ended in \r: a \n at the start of the next one belongs to it. */
  private isAfterCR = false;

  push(chunk: string): void {
    if (this.isAfterCR && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.isAfterCR = false;
    this.size += chunk.length;
    if (this.size > MAX_EVENT_BYTES) throw new Error(`an event of the upstream's stream is over ${MAX_EVENT_BYTES} bytes`);
    let lineStart = 0;
    for (let at = 0; at < chunk.length; at++) {
      const code = chunk.charCodeAt(at);
      if (code !== 10 && code !== 13) continue;
      // The start of this line may have come in earlier chunks.
      const piece = chunk.slice(lineStart, at);
      const line = this.partial.length ? this.partial.join("") + piece : piece;
      this.partial = [];
      this.line(line);
      if (code === 13) {
        if (at + 1 === chunk.length) this.isAfterCR = true;
        else if (chunk.charCodeAt(at + 1) === 10) at++;
      }
      lineStart = at + 1;
    }
    if (lineStart < chunk.length) this.partial.push(chunk.slice(lineStart));
  }

  private line(line: string): void {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }

  private dispatch(): void {
    const event = { event: this.event || "message", data: this.data.join("\n"), id: this.id };
    this.data = [];
    this.event = "";
    this.size = 0;
    if (event.data !== "") this.onEvent(event);
  }
}

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const RECONNECT_MS = [1_000, 1_500, 2_250, 3_375, 5_000];

/**
 * The client side of MCP's Streamable HTTP transport on `node:http` with a
 * keep-alive agent, for the bridge's upstream leg. It does what the bridge
 * needs of the SDK's StreamableHTTPClientTransport (POST per message, JSON or
 * SSE answers, the session id, the protocol version header, the GET stream for
 * the server's own messages, DELETE) without WHATWG fetch and streams, which
 * made the upstream leg cost more than a direct call. OAuth and resuming a
 * broken stream by Last-Event-ID are not implemented: `connectUpstream` falls
 * back to the SDK's transport when this one cannot connect.
 */
export class LeanHttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  sessionId?: string;

  private protocolVersion?: string;
  private readonly agent: HttpAgent;
  private readonly requestFn: typeof httpRequest;
  private readonly inFlight = new Set<ClientRequest>();
  private isStarted = false;
  private isClosed = false;
  private reconnectTimer?: NodeJS.Timeout;

  private readonly extraHeaders: () => Record<string, string>;
  private readonly grantHeader?: GrantHeader;

  constructor(
    private readonly url: URL,
    {
      headers = () => ({}),
      grantHeader,
    }: {
      /** Headers every request carries (the upstream's credentials), read per request. */
      headers?: () => Record<string, string>;
      /** Where a tools/call's grant goes (`_meta["airlock/grant"]` is moved into this header); absent: grants are off. */
      grantHeader?: GrantHeader;
    } = {},
  ) {
    this.extraHeaders = headers;
    this.grantHeader = grantHeader;
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`not an http(s) URL: ${url.href}`);
    const isTls = url.protocol === "https:";
    this.agent = isTls ? new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }) : new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS });
    this.requestFn = isTls ? (httpsRequest as typeof httpRequest) : httpRequest;
  }

  async start(): Promise<void> {
    if (this.isStarted) throw new Error("LeanHttpClientTransport already started");
    this.isStarted = true;
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  private headers(extra: Record<string, string | number>): Record<string, string | number> {
    return {
      ...this.extraHeaders(),
      ...extra,
      ...(this.sessionId ? { "mcp-session-id": this.sessionId } : {}),
      ...(this.protocolVersion ? { "mcp-protocol-version": this.protocolVersion } : {}),
    };
  }

  /**
   * Sends one HTTP request; resolves with the response once its headers arrived.
   * A kept-alive connection the server closed while idle fails the next request
   * on it at once (ECONNRESET/EPIPE, no answer): when `canResend`, that request
   * is sent again, once, on a new connection, as Node's documentation advises.
   * Errors after the answer began belong to the answer's stream.
   */
  private open(method: string, headers: Record<string, string | number>, body?: string, canResend = true): Promise<IncomingMessage> {
    if (this.isClosed) return Promise.reject(new Error("the upstream transport is closed"));
    return new Promise((resolve, reject) => {
      let isAnswered = false;
      const req = this.requestFn(this.url, { method, agent: this.agent, headers: this.headers(headers) }, (res) => {
        isAnswered = true;
        res.once("close", () => this.inFlight.delete(req));
        resolve(res);
      });
      this.inFlight.add(req);
      req.on("error", (error: NodeJS.ErrnoException) => {
        this.inFlight.delete(req);
        if (isAnswered) return;
        const isStaleConnection = req.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE");
        if (isStaleConnection && canResend) this.open(method, headers, body, false).then(resolve, reject);
        else reject(error);
      });
      req.end(body);
    });
  }

  private async failure(res: IncomingMessage, what: string): Promise<HttpStatusError> {
    let text = "";
    res.setEncoding("utf8");
    for await (const chunk of res) {
      if (text.length < 4_096) text += chunk;
    }
    return new HttpStatusError(res.statusCode ?? 0, `${what}: HTTP ${res.statusCode}${text ? ` ${text.slice(0, 4_096)}` : ""}`);
  }

  /** Delivers what the upstream sent; returns the ids of the responses among it. */
  private deliver(raw: unknown): (string | number)[] {
    const answered: (string | number)[] = [];
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      const parsed = JSONRPCMessageSchema.safeParse(item);
      if (!parsed.success) {
        this.onerror?.(new Error(`the upstream sent a message that is not JSON-RPC: ${parsed.error.issues[0]?.message}`));
        continue;
      }
      if (!("method" in parsed.data) && "id" in parsed.data && parsed.data.id !== undefined) answered.push(parsed.data.id);
      this.enqueue(parsed.data);
    }
    return answered;
  }

  private readonly queue: JSONRPCMessage[] = [];
  private isDraining = false;

  /**
   * Hands messages to the client one event-loop turn apart, as a stream reader
   * would: the SDK handles a notification a microtask later but a response at
   * once, so a progress notification delivered in the same turn as the answer
   * behind it would find its request already gone.
   */
  private enqueue(message: JSONRPCMessage): void {
    this.queue.push(message);
    if (!this.isDraining) this.drain();
  }

  private readonly drain = (): void => {
    const message = this.queue.shift();
    if (!message) {
      this.isDraining = false;
      return;
    }
    this.isDraining = true;
    this.onmessage?.(message);
    setImmediate(this.drain);
  };

  /**
   * Reads an SSE body in the background, delivering each `message` event. When
   * the stream of a request ends without its answer, the request fails now
   * with a JSON-RPC error instead of waiting for its timeout.
   */
  private readStream(res: IncomingMessage, onEnd?: (isClean: boolean) => void, awaitedId?: string | number): void {
    let isAnswered = awaitedId === undefined;
    let isEnded = false;
    const settle = (isClean: boolean) => {
      if (isEnded) return;
      isEnded = true;
      if (!isAnswered && !this.isClosed) {
        isAnswered = true;
        this.enqueue({ jsonrpc: "2.0", id: awaitedId!, error: { code: -32000, message: "the upstream server closed the stream before answering" } });
      }
      onEnd?.(isClean);
    };
    const parser = new SseParser((event) => {
      if (event.event !== "message") return;
      try {
        if (this.deliver(JSON.parse(event.data)).includes(awaitedId as string | number)) isAnswered = true;
      } catch (error) {
        this.onerror?.(new Error(`the upstream sent an event that is not JSON: ${(error as Error).message}`));
      }
    });
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      try {
        parser.push(chunk);
      } catch (error) {
        this.onerror?.(error as Error);
        res.destroy();
      }
    });
    res.once("end", () => settle(true));
    res.once("close", () => settle(false));
    res.once("error", (error) => {
      if (!this.isClosed) this.onerror?.(error);
      settle(false);
    });
  }

  private async readJson(res: IncomingMessage): Promise<void> {
    let text = "";
    res.setEncoding("utf8");
    for await (const chunk of res) {
      text += chunk;
      if (text.length > MAX_EVENT_BYTES) throw new Error(`the upstream's answer is over ${MAX_EVENT_BYTES} bytes`);
    }
    this.deliver(JSON.parse(text));
  }

  async send(message: JSONRPCMessage): Promise<void> {
    // This request's grant travels in its own header (one POST carries one call), not in the body.
    const grant = this.grantHeader ? takeGrant(message, this.grantHeader, this.extraHeaders()) : undefined;
    if (grant) message = grant.message;
    const body = JSON.stringify(message);
    const canResend = !("method" in message && "id" in message) || SAFE_TO_RESEND.has(message.method);
    const res = await this.open(
      "POST",
      {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "content-length": Buffer.byteLength(body),
        ...(grant ? { [grant.header]: grant.value } : {}),
      },
      body,
      canResend,
    );
    const sessionId = res.headers["mcp-session-id"];
    if (typeof sessionId === "string" && sessionId) this.sessionId = sessionId;
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw await this.failure(res, "the upstream refused a message");
    if (status === 202) {
      res.resume();
      if ("method" in message && message.method === "notifications/initialized") this.openServerStream(0);
      return;
    }
    // Only a request has an answer; a body after a notification or a response is ignored, as the SDK does.
    if (!("id" in message && "method" in message)) return void res.resume();
    const type = (res.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type === "text/event-stream") return this.readStream(res, undefined, message.id);
    if (type === "application/json") return this.readJson(res);
    res.resume();
    throw new Error(`the upstream answered with an unexpected content type: ${type || "none"}`);
  }

  /** The GET stream carries what the server sends outside any request (list_changed, its own requests). */
  private openServerStream(attempt: number): void {
    if (this.isClosed) return;
    this.open("GET", { accept: "text/event-stream" }).then(
      (res) => {
        if (res.statusCode === 405) return void res.resume(); // the server offers no such stream
        if (res.statusCode !== 200) {
          res.resume();
          return this.retryServerStream(attempt, new Error(`the upstream's event stream: HTTP ${res.statusCode}`));
        }
        this.readStream(res, () => this.retryServerStream(0));
      },
      (error: Error) => this.retryServerStream(attempt, error),
    );
  }

  private retryServerStream(attempt: number, error?: Error): void {
    if (this.isClosed) return;
    if (attempt >= RECONNECT_MS.length) return this.onerror?.(new Error(`the upstream's event stream is gone: ${error?.message ?? "closed"}`));
    this.reconnectTimer = setTimeout(() => this.openServerStream(attempt + 1), RECONNECT_MS[attempt]);
    this.reconnectTimer.unref();
  }

  /** Ends the session on the server (DELETE); a server that does not support it answers 405. */
  async terminateSession(): Promise<void> {
    if (!this.sessionId) return;
    const res = await this.open("DELETE", {});
    res.resume();
    if (res.statusCode !== 405 && (res.statusCode ?? 0) >= 300) throw new Error(`the upstream refused to end the session: HTTP ${res.statusCode}`);
    this.sessionId = undefined;
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    for (const req of this.inFlight) req.destroy();
    this.inFlight.clear();
    this.agent.destroy();
    this.onclose?.();
  }
}
