// An --http bridge spawns upstream processes per session: --max-sessions and
// --max-upstream-processes bound them. An initialize over a cap gets 503 with a
// JSON-RPC error naming the cap and its flag, and spawns nothing; a session that
// ends (DELETE, idle close) frees its slot. Real bridge, real upstream processes.
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpBridge, startHttpBridge, writePolicyFile } from "../helpers/bridge-client";
import { childrenOf } from "../helpers/bridge-process";
import { waitFor } from "../helpers/dashboard";

const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });
const STUBBORN_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "stubborn-server.ts")}`;
const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
});
const HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

let bridge: HttpBridge | undefined;
afterEach(async () => bridge?.stop());

async function initialize(url: string) {
  const res = await fetch(url, { method: "POST", headers: HEADERS, body: INITIALIZE });
  return { status: res.status, sessionId: res.headers.get("mcp-session-id"), body: await res.json() };
}

describe("--max-sessions", () => {
  it("lets exactly N of a burst of initialize requests in, refuses the rest with 503 and spawns nothing for them", async () => {
    bridge = await startHttpBridge({ upstreams: [STUBBORN_SERVER], policyFile: ALLOW_ALL, extraArgs: ["--max-sessions", "2"] });
    const answers = await Promise.all(Array.from({ length: 8 }, () => initialize(bridge!.url)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 503, 503, 503, 503, 503, 503]);
    expect(answers.find((a) => a.status === 503)!.body).toEqual({
      jsonrpc: "2.0",
      id: null,
      error: {
        code: -32000,
        message:
          "the bridge already serves its maximum of 2 MCP sessions (--max-sessions 2): end a session (DELETE) or restart the bridge with a higher --max-sessions",
      },
    });
    expect(childrenOf(bridge.pid)).toHaveLength(2);
    expect(bridge.stderr().match(/refusing new MCP sessions/g)).toHaveLength(1);

    // DELETE ends a session; once its upstream process is gone, its slot takes a new session.
    const ended = answers.find((a) => a.status === 200)!.sessionId!;
    expect((await fetch(bridge.url, { method: "DELETE", headers: { ...HEADERS, "mcp-session-id": ended } })).status).toBe(200);
    const next = await waitFor(
      async () => {
        const answer = await initialize(bridge!.url);
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    expect(next.body.result.serverInfo.name).toBe("airlock-bridge");
    await waitFor(async () => (childrenOf(bridge!.pid).length === 2 ? true : undefined), { timeoutMs: 5_000 });
  });

  it("frees the slot of a session closed for idleness", async () => {
    bridge = await startHttpBridge({ upstreams: [STUBBORN_SERVER], policyFile: ALLOW_ALL, extraArgs: ["--max-sessions", "1", "--idle-timeout", "1"] });
    expect((await initialize(bridge.url)).status).toBe(200);
    expect((await initialize(bridge.url)).status).toBe(503);
    await waitFor(async () => ((await initialize(bridge!.url)).status === 200 ? true : undefined), { timeoutMs: 10_000, intervalMs: 250 });
    expect(bridge.stderr()).toMatch(/closing MCP session .*: idle/);
  });
});

describe("--max-upstream-processes", () => {
  it("refuses a session whose processes would pass the cap, naming the flag", async () => {
    bridge = await startHttpBridge({ upstreams: [STUBBORN_SERVER], policyFile: ALLOW_ALL, extraArgs: ["--max-upstream-processes", "1"] });
    expect((await initialize(bridge.url)).status).toBe(200);
    const refused = await initialize(bridge.url);
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toBe(
      "a new session needs 1 upstream process, and the bridge already runs 1 of its 1 (--max-upstream-processes 1): end a session or restart the bridge with a higher --max-upstream-processes",
    );
    expect(childrenOf(bridge.pid)).toHaveLength(1);
  });
});
