import { createServer, type Server } from "node:http";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HttpError, HttpSessionTransport, JSON_WINDOW_MS, writeJsonRpcError } from "./http-session-transport";

const ACCEPT = "application/json, text/event-stream";
const initialize = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
};
const call = (id: number) => ({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "echo", arguments: {} } });

/** A transport behind a node:http server, as http-server.ts wires it, with a scripted "server" on the other side. */
describe("HttpSessionTransport", () => {
  let http: Server;
  let url: string;
  let transport: HttpSessionTransport;
  let received: JSONRPCMessage[];
  let initialized: number;

  beforeEach(async () => {
    received = [];
    initialized = 0;
    transport = new HttpSessionTransport("session-1", () => initialized++);
    transport.onmessage = (message) => received.push(message);
    http = createServer((req, res) => {
      let text = "";
      req.on("data", (chunk) => (text += chunk));
      req.on("end", () => {
        try {
          transport.handle(req, res, text ? JSON.parse(text) : undefined);
        } catch (error) {
          if (!(error instanceof HttpError)) throw error;
          writeJsonRpcError(res, error.status, error.message, error.code);
        }
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(http.address() as { port: number }).port}/mcp`;
  });
  afterEach(async () => {
    await transport.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, { method: "POST", headers: { accept: ACCEPT, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const start = async () => {
    const answer = post(initialize);
    await expect.poll(() => received.length).toBe(1);
    await transport.send({ jsonrpc: "2.0", id: 0, result: { protocolVersion: "2025-06-18", capabilities: {}, serverInfo: { name: "s", version: "1" } } });
    received = [];
    return answer;
  };

  it("answers a quick single response as JSON, with the session id", async () => {
    const answer = await start();
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/json");
    expect(answer.headers.get("mcp-session-id")).toBe("session-1");
    expect(await answer.json()).toMatchObject({ id: 0, result: { serverInfo: { name: "s" } } });
    expect(initialized).toBe(1);
  });

  it("turns the answer into an SSE stream when progress comes first, in order, and ends it with the response", async () => {
    await start();
    const answer = post(call(1));
    await expect.poll(() => received.length).toBe(1);
    await transport.send({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } }, { relatedRequestId: 1 });
    await transport.send({ jsonrpc: "2.0", id: 1, result: { content: [] } });
    const res = await answer;
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = (await res.text()).split("\n\n").filter(Boolean);
    expect(events.map((e) => JSON.parse(e.replace(/^event: message\ndata: /, "")))).toEqual([
      { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: 1, progress: 1 } },
      { jsonrpc: "2.0", id: 1, result: { content: [] } },
    ]);
  });

  it("opens the stream when the answer is slow, so a held call's client sees headers and keep-alives", async () => {
    await start();
    const t0 = Date.now();
    const res = await post(call(2));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(JSON_WINDOW_MS - 50);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    await transport.send({ jsonrpc: "2.0", id: 2, result: { content: [] } });
    expect(await res.text()).toContain('"id":2');
  });

  it("answers a POST of notifications or responses with 202 and passes them on", async () => {
    await start();
    const res = await post({ jsonrpc: "2.0", method: "notifications/initialized" });
    expect(res.status).toBe(202);
    expect(received).toEqual([{ jsonrpc: "2.0", method: "notifications/initialized" }]);
  });

  it("refuses bad requests with clear errors and passes nothing on", async () => {
    await start();
    const cases: [Promise<Response>, number, RegExp][] = [
      [post(call(3), { accept: "application/json" }), 406, /accept both/],
      [post(call(3), { "content-type": "text/plain" }), 415, /Content-Type/],
      [post({ jsonrpc: "2.0", id: 3 }), 400, /invalid JSON-RPC message/],
      [post(initialize), 400, /already initialized/],
      [post(call(3), { "mcp-protocol-version": "1999-01-01" }), 400, /unsupported protocol version/],
      [post([]), 400, /1 to 100/],
      [fetch(url, { method: "PUT" }), 405, /method not allowed/],
      [fetch(url, { headers: { accept: "application/json" } }), 406, /text\/event-stream/],
    ];
    for (const [answer, status, message] of cases) {
      const res = await answer;
      expect(res.status).toBe(status);
      expect((await res.json()).error.message).toMatch(message);
    }
    expect(received).toEqual([]);
  });

  it("refuses a request id that is already in flight instead of mixing up two answers", async () => {
    await start();
    const first = post(call(4));
    await expect.poll(() => received.length).toBe(1);
    const second = await post(call(4));
    expect(second.status).toBe(400);
    expect((await second.json()).error.message).toMatch(/already in flight/);
    await transport.send({ jsonrpc: "2.0", id: 4, result: { content: [] } });
    expect((await (await first).json()).id).toBe(4);
  });

  it("sends messages not tied to a request on the GET stream, and allows one such stream", async () => {
    await start();
    const stream = await fetch(url, { headers: { accept: "text/event-stream" } });
    expect(stream.status).toBe(200);
    expect((await fetch(url, { headers: { accept: "text/event-stream" } })).status).toBe(409);
    await transport.send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
    const reader = stream.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain("notifications/tools/list_changed");
    await reader.cancel();
  });

  it("ends the POST of a cancelled request, which gets no response", async () => {
    await start();
    const answer = post(call(5));
    await expect.poll(() => received.length).toBe(1);
    await post({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 5, reason: "user" } });
    const res = await answer;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });

  it("tells requests still open that the session closed, on DELETE", async () => {
    await start();
    let closed = 0;
    transport.onclose = () => closed++;
    const answer = post(call(6));
    await expect.poll(() => received.length).toBe(1);
    expect((await fetch(url, { method: "DELETE" })).status).toBe(200);
    expect(await (await answer).text()).toContain("the MCP session was closed");
    expect(closed).toBe(1);
    expect((await post(call(7))).status).toBe(404);
  });
});
