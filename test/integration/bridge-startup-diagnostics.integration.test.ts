// What the bridge says while things go wrong at start: an upstream that cannot be
// run or dies at once is named on stderr within seconds (not after the 60 s
// initialize timeout), and a refused token or an unreachable dashboard is told
// both to the operator (stderr) and to the MCP client (instructions, a log message).
// Real bridge processes, real upstream processes, a real dashboard.

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYTHING_SERVER, writePolicyFile } from "../helpers/bridge-client";
import { type BridgeProcess, INITIALIZE_PARAMS, spawnBridge } from "../helpers/bridge-process";
import { type Dashboard, freePort, startDashboard, waitFor } from "../helpers/dashboard";

const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });
const STUBBORN_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "stubborn-server.ts")}`;
const MISSING = "/nonexistent/airlock-test-server";
const CRASHING = `${process.execPath} -e "console.error('boom: API_KEY is not set'); process.exit(1)"`;
/** SIGTERM, not SIGKILL: the bridge ends its upstream servers on the way out. */
async function stop(bridge: BridgeProcess) {
  if (bridge.child.exitCode !== null) return;
  bridge.child.kill("SIGTERM");
  await bridge.exited;
}
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

describe("upstreams that fail to start", () => {
  it("are named on stderr within seconds, with the reason, while the good one serves", async () => {
    const bridge = spawnBridge([
      "--policy",
      ALLOW_ALL,
      "--upstream",
      `good=${STUBBORN_SERVER}`,
      "--upstream",
      `missing=${MISSING}`,
      "--upstream",
      `crashing=${CRASHING}`,
    ]);
    try {
      const initialized = bridge.request("initialize", INITIALIZE_PARAMS);
      await bridge.waitForStderr(new RegExp(`upstream missing: starting \`${escapeRegExp(MISSING)}\``), 5_000);
      await bridge.waitForStderr(new RegExp(`upstream missing: failed to start: command not found: ${escapeRegExp(MISSING)}; retrying in \\d+\\.\\d s`), 5_000);
      await bridge.waitForStderr(
        /upstream crashing: failed to start: the process exited before completing the MCP handshake \(exit code 1; stderr: boom: API_KEY is not set\); retrying in \d+\.\d s/,
        5_000,
      );
      await bridge.waitForStderr(/upstream good: ready \(1 tool\) in \d+ ms/, 5_000);
      expect((await initialized).result?.serverInfo?.name).toBe("airlock-bridge");
      // Retries keep going, and an unchanged reason is not repeated on every attempt.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(bridge.stderr().match(/upstream missing: failed to start/g)).toHaveLength(1);
    } finally {
      await stop(bridge);
    }
  });

  it("end a bridge none of whose upstreams starts, within seconds, saying why", async () => {
    const bridge = spawnBridge(["--policy", ALLOW_ALL, "--upstream", `crashing=${CRASHING}`]);
    try {
      void bridge.request("initialize", INITIALIZE_PARAMS);
      await bridge.waitForStderr(
        /upstream crashing: failed to start: the process exited before completing the MCP handshake \(exit code 1; stderr: boom: API_KEY is not set\)\n/,
        5_000,
      );
      expect(await bridge.exited).toBe(1);
      expect(bridge.stderr()).toMatch(/fatal: no upstream could be reached: crashing: the process exited/);
    } finally {
      await stop(bridge);
    }
  });
});

describe("a bridge that cannot get its policy from the dashboard", () => {
  let dashboard: Dashboard;
  beforeAll(async () => {
    dashboard = await startDashboard();
  });
  afterAll(async () => dashboard?.stop());

  /** Initializes and lists tools: what an agent sees. */
  async function connectAgent(bridge: BridgeProcess) {
    const init = await bridge.request("initialize", INITIALIZE_PARAMS);
    bridge.notify("notifications/initialized");
    const list = await bridge.request("tools/list");
    return { instructions: init.result?.instructions as string | undefined, tools: list.result?.tools };
  }

  it("says on stderr and to the client that the dashboard refused the token", async () => {
    const token = "alk_brg_not-the-right-one";
    const bridge = spawnBridge(["--dashboard", dashboard.url, "--upstream", EVERYTHING_SERVER], { ...process.env, AIRLOCK_BRIDGE_TOKEN: token });
    try {
      const problem = `the dashboard at ${dashboard.url} refused the bridge token (HTTP 401): check AIRLOCK_BRIDGE_TOKEN / --token`;
      await bridge.waitForStderr(new RegExp(escapeRegExp(problem)), 15_000);
      const agent = await connectAgent(bridge);
      expect(agent.tools).toEqual([]);
      expect(agent.instructions?.startsWith(`Airlock: no tools are available through this bridge because ${problem}.`)).toBe(true);
      // The everything server declares logging, so the bridge does too: the notice also arrives as a log message.
      const notice = await waitFor(async () => bridge.received.find((m) => m.method === "notifications/message"));
      expect(notice.params).toMatchObject({ level: "error", logger: "airlock-bridge", data: expect.stringContaining(problem) });
      expect(bridge.stderr()).not.toContain(token);
    } finally {
      await stop(bridge);
    }
  });

  it("says on stderr and to the client that nobody answers at the dashboard's address", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const bridge = spawnBridge(["--dashboard", url, "--upstream", STUBBORN_SERVER], { ...process.env, AIRLOCK_BRIDGE_TOKEN: "alk_brg_whatever" });
    try {
      const problem = `cannot reach the dashboard at ${url}: connect ECONNREFUSED ${url.slice("http://".length)}`;
      await bridge.waitForStderr(new RegExp(escapeRegExp(problem)), 15_000);
      const agent = await connectAgent(bridge);
      expect(agent.tools).toEqual([]);
      expect(agent.instructions).toBe(
        `Airlock: no tools are available through this bridge because ${problem}. Calls are refused until this is fixed (the bridge keeps retrying); tell the user, who should ask whoever runs the bridge.`,
      );
    } finally {
      await stop(bridge);
    }
  });
});
