// Several upstreams in one bridge, an upstream that fails and returns, and the
// Streamable HTTP endpoint: one upstream session per client session, DNS-rebinding
// checks, a body limit. Real bridge processes, real upstream servers.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  COUNTER_SERVER,
  connectThroughBridge,
  EVERYTHING_SERVER,
  type HttpBridge,
  LIFECYCLE_SERVER,
  startHttpBridge,
  textOf,
  writePolicyFile,
} from "../helpers/bridge-client";
import { freePort, waitFor } from "../helpers/dashboard";

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

  const initialize = {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
  };
  const post = (headers: Record<string, string>, body: string) =>
    fetch(bridge.url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers }, body });

  // fetch() sets Host itself; a rebinding attack arrives with the attacker's host name in it.
  const statusWithHost = (host: string, body: string) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(bridge.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { host, "content-type": "application/json", accept: "application/json, text/event-stream" },
        },
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

describe("idle HTTP sessions", () => {
  let bridge: HttpBridge;
  beforeAll(async () => {
    bridge = await startHttpBridge({ upstreams: [LIFECYCLE_SERVER], policyFile: ALLOW_ALL, extraArgs: ["--idle-timeout", "1"] });
  });
  afterAll(async () => bridge?.stop());

  const isRunning = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it("closes a session nobody uses, with its upstream process, and keeps one in use", async () => {
    const open = async () => {
      const client = new Client({ name: "idle-agent", version: "1.0.0" });
      const transport = new StreamableHTTPClientTransport(new URL(bridge.url));
      await client.connect(transport);
      return { client, transport, pid: Number(textOf(await client.callTool({ name: "pid", arguments: {} }))) };
    };
    const idle = await open();
    const busy = await open();
    expect(isRunning(idle.pid)).toBe(true);
    // A client that goes away without DELETE: its GET stream closes, its session stays behind.
    await idle.client.close();
    // The busy client calls every 300 ms for 3 s; the idle one says nothing.
    for (let i = 0; i < 10; i++) {
      await busy.client.callTool({ name: "pid", arguments: {} });
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitFor(async () => (isRunning(idle.pid) ? undefined : true), { timeoutMs: 10_000 });
    const stale = await fetch(bridge.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": idle.transport.sessionId! },
      body: JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list" }),
    });
    expect(stale.status).toBe(404);
    expect(textOf(await busy.client.callTool({ name: "pid", arguments: {} }))).toBe(String(busy.pid));
    expect(bridge.stderr()).toMatch(/closing MCP session .*: idle/);
    await busy.client.close();
  });
});

describe("an upstream that speaks only the legacy HTTP+SSE transport", () => {
  it("is reached through the SSE fallback, and its tools work through the bridge", async () => {
    const port = await freePort();
    const everything = join(import.meta.dirname, "..", "..", "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
    const server = spawn(process.execPath, [everything, "sse"], { env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "ignore", "pipe"] });
    try {
      let output = "";
      await new Promise<void>((resolve, reject) => {
        server.stderr!.on("data", (chunk) => {
          output += chunk;
          if (/Server is running/.test(output)) resolve();
        });
        server.once("exit", (code) => reject(new Error(`the SSE server exited with ${code}: ${output}`)));
      });
      const bridge = await connectThroughBridge({ upstreams: [`legacy=http://127.0.0.1:${port}/sse`], policyFile: ALLOW_ALL });
      try {
        const { tools } = await bridge.client.listTools();
        expect(tools.map((t) => t.name)).toContain("echo");
        expect(textOf(await bridge.client.callTool({ name: "echo", arguments: { message: "over SSE" } }))).toMatch(/over SSE/);
        expect(bridge.stderr()).toMatch(/trying the legacy SSE transport/);
      } finally {
        await bridge.close();
      }
    } finally {
      server.kill("SIGKILL");
    }
  });
});
