import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { LeanHttpClientTransport, type SseEvent, SseParser } from "./lean-http-transport";

function parseAll(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe("SseParser", () => {
  it("reads events, multi-line data, names, ids and comments, whatever the line ends", () => {
    const stream = ': a comment\r\nevent: message\r\nid: 7\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata:plain\rdata: two\r\revent: other\ndata: x\n\ndata:\n\n';
    expect(parseAll([stream])).toEqual([
      { event: "message", id: "7", data: '{"a":\n1}' },
      { event: "message", id: "7", data: "plain\ntwo" },
      { event: "other", id: "7", data: "x" },
    ]);
  });

  it("gives the same events however the stream is cut into chunks", () => {
    const stream = 'event: message\r\ndata: {"jsonrpc":"2.0","id":1,"result":{}}\r\n\r\ndata: second\n\n: ping\n\ndata: third\r\r';
    const whole = parseAll([stream]);
    expect(whole).toHaveLength(3);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const chunks = at.slice(1).map((end, i) => stream.slice(at[i], end));
        expect(parseAll(chunks)).toEqual(whole);
      }),
    );
  });

  it("refuses an event larger than the limit instead of buffering it", () => {
    const parser = new SseParser(() => undefined);
    const big = "x".repeat(1024 * 1024);
    expect(() => {
      for (let i = 0; i < 40; i++) parser.push(i === 0 ? `data: ${big}` : big);
    }).toThrow(/over/);
  });
});

describe("LeanHttpClientTransport", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<URL> {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => handler(req, res, body));
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return new URL(`http://127.0.0.1:${port}/mcp`);
  }

  const request: JSONRPCMessage = { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "x" } };

  it("keeps the session id, sends the protocol version, and delivers SSE messages in order", async () => {
    const seen: Record<string, string | undefined>[] = [];
    const url = await serve((req, res) => {
      seen.push({ session: req.headers["mcp-session-id"] as string | undefined, version: req.headers["mcp-protocol-version"] as string | undefined });
      res.writeHead(200, { "content-type": "text/event-stream", "mcp-session-id": "s-1" });
      res.write('data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":3,"progress":1}}\n\n');
      res.end('data: {"jsonrpc":"2.0","id":3,"result":{"content":[]}}\n\n');
    });
    const transport = new LeanHttpClientTransport(url);
    const messages: JSONRPCMessage[] = [];
    transport.onmessage = (m) => messages.push(m);
    await transport.start();
    await transport.send(request);
    transport.setProtocolVersion("2025-06-18");
    await transport.send(request);
    await expect.poll(() => messages.length).toBe(4);
    expect(messages.map((m) => ("method" in m ? m.method : "result"))).toEqual(["notifications/progress", "result", "notifications/progress", "result"]);
    expect(transport.sessionId).toBe("s-1");
    expect(seen).toEqual([
      { session: undefined, version: undefined },
      { session: "s-1", version: "2025-06-18" },
    ]);
    await transport.close();
  });

  it("answers a request whose stream ends early with an error at once, not at its timeout", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end('data: {"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"bye"}}\n\n');
    });
    const transport = new LeanHttpClientTransport(url);
    const messages: JSONRPCMessage[] = [];
    transport.onmessage = (m) => messages.push(m);
    await transport.send(request);
    await expect.poll(() => messages.length).toBe(2);
    expect(messages[1]).toMatchObject({ id: 3, error: { message: /closed the stream before answering/ } });
    await transport.close();
  });

  it("rejects a message the server refuses, with its status and text", async () => {
    const url = await serve((_req, res) => res.writeHead(404, { "content-type": "text/plain" }).end("session not found"));
    const transport = new LeanHttpClientTransport(url);
    await expect(transport.send(request)).rejects.toThrow(/HTTP 404 session not found/);
    await transport.close();
  });

  it("reports a message that is not JSON-RPC instead of passing it on", async () => {
    const url = await serve((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"hello":"world"}'));
    const transport = new LeanHttpClientTransport(url);
    const errors: Error[] = [];
    const messages: JSONRPCMessage[] = [];
    transport.onerror = (e) => errors.push(e);
    transport.onmessage = (m) => messages.push(m);
    await transport.send(request);
    expect(messages).toEqual([]);
    expect(errors[0].message).toMatch(/not JSON-RPC/);
    await transport.close();
  });

  it("sends a read again on a new connection when the server closed the kept-alive one, but never a tools/call", async () => {
    let requests = 0;
    const url = await serve((req, res) => {
      requests++;
      // The second request arrives on the connection kept from the first: close it unanswered, as a server whose idle timeout just fired.
      if (requests === 2) return req.socket.destroy();
      res.writeHead(200, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":3,"result":{"tools":[]}}');
    });
    const list: JSONRPCMessage = { jsonrpc: "2.0", id: 3, method: "tools/list" };
    const transport = new LeanHttpClientTransport(url);
    const messages: JSONRPCMessage[] = [];
    transport.onmessage = (m) => messages.push(m);
    await transport.send(list);
    await transport.send(list);
    expect(requests).toBe(3);
    await expect.poll(() => messages.length).toBe(2);

    // The same failure for a tools/call: the upstream may have run it, so it fails instead of running twice.
    requests = 1;
    await expect(transport.send(request)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(requests).toBe(2);
    await transport.close();

    // A request on a new connection is not sent twice either.
    requests = 1;
    const fresh = new LeanHttpClientTransport(url);
    await expect(fresh.send(list)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(requests).toBe(2);
    await fresh.close();
  });
});
