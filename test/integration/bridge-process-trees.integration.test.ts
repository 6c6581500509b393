// No orphans: an upstream started through a launcher (like `npx -y pkg`, whose real
// server is npm's child) ends with its whole process tree when the bridge's client goes
// away, however it goes: stdin closed, SIGTERM, SIGINT, SIGHUP, an HTTP session's DELETE.
// Real bridge processes; every process is checked by pid.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { describe, expect, it } from "vitest";
import { startHttpBridge, textOf, writePolicyFile } from "../helpers/bridge-client";
import { INITIALIZE_PARAMS, isAlive, LAUNCHED_STUBBORN_SERVER, parentOf, spawnBridge } from "../helpers/bridge-process";
import { waitFor } from "../helpers/dashboard";

const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });

/** A failing run must not leave its own orphans behind for the next tests. */
function killLeftovers(pids: number[]) {
  for (const pid of pids.filter(isAlive)) process.kill(pid, "SIGKILL");
}

/** Within a few seconds, every process of the tree is gone. */
async function expectEnded(pids: number[]) {
  await waitFor(async () => (pids.some(isAlive) ? undefined : true), { timeoutMs: 8_000 }).catch(() => undefined);
  expect(pids.filter(isAlive)).toEqual([]);
}

describe("a stdio bridge's upstream tree", () => {
  it.each([
    ["its client closes stdin", (bridge: ReturnType<typeof spawnBridge>) => bridge.child.stdin!.end()],
    ["it gets SIGTERM", (bridge: ReturnType<typeof spawnBridge>) => bridge.child.kill("SIGTERM")],
    ["it gets SIGINT", (bridge: ReturnType<typeof spawnBridge>) => bridge.child.kill("SIGINT")],
    ["it gets SIGHUP", (bridge: ReturnType<typeof spawnBridge>) => bridge.child.kill("SIGHUP")],
  ])("ends, launcher and server, when %s", async (_, goAway) => {
    const bridge = spawnBridge(["--policy", ALLOW_ALL, "--upstream", LAUNCHED_STUBBORN_SERVER]);
    const tree: number[] = [];
    try {
      expect((await bridge.request("initialize", INITIALIZE_PARAMS)).result?.serverInfo?.name).toBe("airlock-bridge");
      bridge.notify("notifications/initialized");
      const server = Number(textOf((await bridge.request("tools/call", { name: "pid", arguments: {} })).result));
      const launcher = parentOf(server);
      // The server really is a grandchild: the launcher between it and the bridge.
      expect(parentOf(launcher)).toBe(bridge.child.pid);
      tree.push(launcher, server);
      expect(tree.every(isAlive)).toBe(true);

      goAway(bridge);
      await Promise.race([bridge.exited, new Promise((r) => setTimeout(r, 8_000))]);
      await expectEnded([bridge.child.pid!, ...tree]);
    } finally {
      bridge.child.kill("SIGKILL");
      killLeftovers(tree);
    }
  });
});

describe("an HTTP bridge's upstream trees", () => {
  it("ends a session's tree on DELETE and every other one when the bridge is stopped", async () => {
    const bridge = await startHttpBridge({ upstreams: [LAUNCHED_STUBBORN_SERVER], policyFile: ALLOW_ALL });
    const trees: number[] = [];
    try {
      const open = async () => {
        const client = new Client({ name: "tree-agent", version: "1.0.0" });
        const transport = new StreamableHTTPClientTransport(new URL(bridge.url));
        await client.connect(transport);
        const server = Number(textOf(await client.callTool({ name: "pid", arguments: {} })));
        const tree = [parentOf(server), server];
        trees.push(...tree);
        return { client, transport, tree };
      };
      const a = await open();
      const b = await open();
      expect([...a.tree, ...b.tree].every(isAlive)).toBe(true);

      await a.transport.terminateSession();
      await expectEnded(a.tree);
      expect(b.tree.every(isAlive)).toBe(true);

      await bridge.stop();
      await expectEnded(b.tree);
      await a.client.close();
      await b.client.close();
    } finally {
      await bridge.stop();
      killLeftovers(trees);
    }
  });
});
