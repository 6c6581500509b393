// Several upstreams in one bridge, an upstream that fails and returns, and the
// Streamable HTTP endpoint: one upstream session per client session, DNS-rebinding
// checks, a body limit. Real bridge processes, real upstream servers.
import { request } from "node:http";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectThroughBridge,
  COUNTER_SERVER,
  EVERYTHING_SERVER,
  LIFECYCLE_SERVER,
  startHttpBridge,
  textOf,
  writePolicyFile,
  type HttpBridge,
} from "../helpers/bridge-client";
import { waitFor } from "../helpers/dashboard";

const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });

describe("several upstreams in one bridge", () => {
  let client: Client;
  let close: () => Promise<void>;
  let listChanged = 0;

  beforeAll(async () => {
    ({ client, close } = await connectThroughBridge({
      upstreams: [`everything=${EVERYTHING_SERVER}`, `life=${LIFECYCLE_SERVER}`],
      policyFile: ALLOW_ALL,
      configure: (c) => c.setNotificationHandler(ToolListChangedNotificationSchema, async () => void listChanged++),
    }));
  });
  afterAll(async () => close?.());

  const toolNames = async () => (await client.listTools()).tools.map((t) => t.name);

  it("prefixes tools and prompts with the upstream's name and routes calls by it", async () => {
    const names = await toolNames();
    expect(names).toEqual(expect.arrayContaining(["everything__echo", "life__pid", "life__crash"]));
    expect(textOf(await client.callTool({ name: "everything__echo", arguments: { message: "hi" } }))).toContain("hi");
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name);
    expect(prompts).toContain("everything__simple-prompt");
    const prompt = await client.getPrompt({ name: "everything__args-prompt", arguments: { city: "Oslo" } });
    expect(JSON.stringify(prompt.messages)).toContain("Oslo");
    const resources = (await client.listResources()).resources;
    expect((await client.readResource({ uri: resources[0].uri })).contents[0].uri).toBe(resources[0].uri);
  });

  it("relays an upstream's tools/list_changed with the new tool", async () => {
    const before = listChanged;
    await client.callTool({ name: "life__add_tool", arguments: { name: "fresh_tool" } });
    await waitFor(async () => listChanged > before || undefined);
    expect(await toolNames()).toContain("life__fresh_tool");
  });

  it("keeps the other upstreams when one fails, and brings it back with backoff", async () => {
    const pidBefore = textOf(await client.callTool({ name: "life__pid", arguments: {} }));
    const before = listChanged;
    await client.callTool({ name: "life__crash", arguments: {} });
    // Its tools leave, the client is told, the other upstream keeps working.
    await waitFor(async () => listChanged > before || undefined);
    const whileDown = await toolNames();
    expect(whileDown.some((n) => n.startsWith("life__"))).toBe(false);
    expect(textOf(await client.callTool({ name: "everything__echo", arguments: { message: "still up" } }))).toContain("still up");
    // It returns (a new process), and so do its tools.
    await waitFor(async () => ((await toolNames()).includes("life__pid") ? true : undefined), { timeoutMs: 20_000 });
    const pidAfter = textOf(await client.callTool({ name: "life__pid", arguments: {} }));
    expect(pidAfter).not.toBe(pidBefore);
  });
});

describe("Streamable HTTP at /mcp", () => {
  let bridge: HttpBridge;

  beforeAll(async () => {
    bridge = await startHttpBridge({ upstreams: [COUNTER_SERVER], policyFile: ALLOW_ALL });
  });
  afterAll(async () => bridge?.stop());

  async function connect() {
    const client = new Client({ name: "http-agent", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(bridge.url));
    await client.connect(transport);
    return { client, transport };
  }

  it("gives each client session its own upstream session: a stateful server never mixes them", async () => {
    const a = await connect();
    const b = await connect();
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
    await a.client.callTool({ name: "increment", arguments: { by: 5 } });
    await b.client.callTool({ name: "increment", arguments: { by: 1 } });
    expect(textOf(await a.client.callTool({ name: "get_count", arguments: {} }))).toBe("5");
    expect(textOf(await b.client.callTool({ name: "get_count", arguments: {} }))).toBe("1");
    // DELETE ends a session; its id is then unknown.
    const ended = a.transport.sessionId!;
    await a.transport.terminateSession();
    const after = await fetch(bridge.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": ended },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(after.status).toBe(404);
    await a.client.close();
    await b.client.close();
  });

  const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };
  const post = (headers: Record<string, string>, body: string) =>
    fetch(bridge.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body });

  // fetch() sets Host itself; a rebinding attack arrives with the attacker's host name in it.
  const statusWithHost = (host: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(bridge.url);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { host, "content-type": "application/json", accept: "application/json, text/event-stream" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  it("refuses requests from a web page on another origin or for another host (DNS rebinding)", async () => {
    expect((await post({ origin: "http://evil.example" }, JSON.stringify(initialize))).status).toBe(403);
    expect(await statusWithHost("evil.example", JSON.stringify(initialize))).toBe(403);
    expect(await statusWithHost(new URL(bridge.url).host, JSON.stringify(initialize))).toBe(200);
  });

  it("refuses bodies over the limit and requests without a session that are not initialize", async () => {
    const huge = JSON.stringify({ ...initialize, params: { ...initialize.params, padding: "x".repeat(5 * 1024 * 1024) } });
    expect((await post({}, huge)).status).toBe(413);
    expect((await post({}, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }))).status).toBe(400);
    expect((await post({}, "{not json")).status).toBe(400);
  });
});
