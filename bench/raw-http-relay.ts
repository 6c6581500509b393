// A lower floor for bench:bridge's HTTP→HTTP hop than bench/http-relay.ts: the same
// node:http server downstream, but the upstream leg is a minimal HTTP/1.1 client on
// kept-alive net sockets (request head and body in one write; the answer's framing,
// Content-Length or chunked, parsed by hand and each chunk written on as it comes, so
// SSE answers stream). It skips node:http's ClientRequest, Agent and IncomingMessage,
// which is what a cheaper upstream leg than node:http would save. A benchmark fixture,
// not a proxy: no header limits, no pipelining, no TLS, upstream errors end in a 502.
// Usage: node --import tsx bench/raw-http-relay.ts UPSTREAM_URL
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { serveRelay } from "./relay-server";

const upstream = new URL(process.argv[2]);
const idle: Socket[] = [];
/** Hop-by-hop headers and framing: the relay writes its own. */
const DROPPED = new Set(["host", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/** Idle kept-alive sockets are closed before the upstream's 5 s keep-alive timeout would close them (as the bridge's agent does). */
const IDLE_SOCKET_MS = 4_000;

function upstreamSocket(): { socket: Socket; isReused: boolean } {
  const kept = idle.pop();
  if (kept) {
    kept.setTimeout(0);
    return { socket: kept, isReused: true };
  }
  const socket = connect({ host: upstream.hostname, port: Number(upstream.port), noDelay: true });
  // The upstream closes idle kept-alive connections: such a socket must not be handed out again.
  socket.on("close", () => {
    const at = idle.indexOf(socket);
    if (at >= 0) idle.splice(at, 1);
  });
  socket.on("error", () => undefined);
  socket.on("timeout", () => socket.destroy());
  return { socket, isReused: false };
}

function relay(req: IncomingMessage, res: ServerResponse, body: Buffer, isRetry = false): void {
  const { socket, isReused } = upstreamSocket();
  let head = `${req.method} ${upstream.pathname} HTTP/1.1\r\nhost: ${upstream.host}\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!DROPPED.has(req.rawHeaders[i].toLowerCase())) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  }
  head += `content-length: ${body.length}\r\n\r\n`;
  socket.write(body.length ? Buffer.concat([Buffer.from(head, "latin1"), body]) : head);

  let pending: Buffer = Buffer.alloc(0);
  let state: "head" | "chunk-size" | "chunk-data" | "sized" = "head";
  let remaining = 0;
  let isKeptAlive = true;
  let isFinished = false;
  // The client left before the answer ended (a closed GET stream): the upstream connection goes too.
  res.once("close", () => isFinished || socket.destroy());
  const finish = () => {
    isFinished = true;
    socket.off("data", onData).off("close", onClose);
    res.end();
    if (isKeptAlive) idle.push(socket.setTimeout(IDLE_SOCKET_MS));
    else socket.destroy();
  };
  let isAnswered = false;
  const onClose = () => {
    socket.off("data", onData);
    // A kept-alive connection the upstream closed as it was reused, before any answer: sent again once, on a new one.
    if (isReused && !isAnswered && !isRetry) return relay(req, res, body, true);
    if (!res.headersSent) res.writeHead(502).end("the upstream closed the connection");
    else res.destroy();
  };
  const onData = (chunk: Buffer) => {
    isAnswered = true;
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    parse();
    // Headers with no data yet (an SSE answer still to come) go out now: the client may be waiting on them.
    if (state !== "head" && !res.headersSent) res.flushHeaders();
  };
  const parse = () => {
    for (;;) {
      if (state === "head") {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [statusLine, ...lines] = pending.toString("latin1", 0, end).split("\r\n");
        const status = Number(statusLine.split(" ")[1]);
        const headers: string[] = [];
        let isChunked = false;
        let length = 0;
        for (const line of lines) {
          const colon = line.indexOf(":");
          const name = line.slice(0, colon).toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === "transfer-encoding") isChunked = value.toLowerCase() === "chunked";
          else if (name === "content-length") length = Number(value);
          else if (name === "connection") isKeptAlive = value.toLowerCase() !== "close";
          if (!DROPPED.has(name)) headers.push(line.slice(0, colon), value);
        }
        if (!isChunked) headers.push("content-length", String(length));
        res.writeHead(status, headers);
        pending = pending.subarray(end + 4);
        state = isChunked ? "chunk-size" : "sized";
        remaining = length;
      } else if (state === "chunk-size") {
        const end = pending.indexOf("\r\n");
        if (end < 0) return;
        remaining = Number.parseInt(pending.toString("latin1", 0, end), 16);
        if (remaining === 0) {
          // The last chunk, then an empty trailer line.
          if (pending.length < end + 4) return;
          return finish();
        }
        pending = pending.subarray(end + 2);
        state = "chunk-data";
      } else if (state === "chunk-data") {
        if (pending.length < remaining + 2) return;
        res.write(pending.subarray(0, remaining));
        pending = pending.subarray(remaining + 2);
        state = "chunk-size";
      } else {
        if (pending.length < remaining) return;
        if (remaining) res.write(pending.subarray(0, remaining));
        return finish();
      }
    }
  };
  socket.on("data", onData).on("close", onClose);
}

serveRelay(relay, { noDelay: true });
