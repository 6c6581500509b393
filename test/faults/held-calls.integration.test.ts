// Faults during holds, with real parts: the dashboard killed and restarted while
// a bridge creates its request, a bridge killed while its call is held, and
// retried creations. For each: nothing runs without approval, nothing approved
// is lost without the agent being told, and nobody approves work that no
// bridge waits for.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashArguments } from "../../lib/crypto/canonical-hash";
import { COUNTER_SERVER, connectThroughBridge, textOf } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

const GRACE_SECONDS = 2;
let dashboard: Dashboard;
let admin: string;
let alice: string;
let bridgeToken: string;

function startWithGrace(options: Parameters<typeof startDashboard>[0] = {}) {
  return startDashboard({ ...options, env: { AIRLOCK_BRIDGE_GRACE_SECONDS: String(GRACE_SECONDS) } });
}

beforeAll(async () => {
  dashboard = await startWithGrace();
  admin = dashboard.addUser("admin@example.com", "admin");
  alice = dashboard.addUser("alice@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "fault-laptop", "--new-tools", "enabled");
  await afterBlockingCalls();
  const policy = { default: "allow", rules: [{ name: "hold increments", match: { tool: "increment" }, action: "require_approval", timeoutSeconds: 120 }] };
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } })).status).toBe(200);
});

afterAll(async () => {
  await dashboard?.stop();
});

/** A creation as a bridge sends it, straight to the API with the bridge token. */
function creation(args: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    sessionId: "s-fault",
    server: "counter",
    tool: "increment",
    arguments: args,
    argumentsHash: hashArguments(args),
    heldReason: "rule hold increments",
    timeoutSeconds: 120,
    ...extra,
  };
}

describe("retried creations", () => {
  it("return the same request for the same idempotency key, and refuse the key for another call", async () => {
    const key = randomUUID();
    const first = await api(dashboard, bridgeToken, "/api/bridge/approvals", { body: creation({ by: 1 }, { idempotencyKey: key }) });
    const again = await api(dashboard, bridgeToken, "/api/bridge/approvals", { body: creation({ by: 1 }, { idempotencyKey: key }) });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const pending = (await api(dashboard, alice, "/api/approvals?status=pending")).body.items.filter((a: { id: string }) => a.id === first.body.id);
    expect(pending).toHaveLength(1);
    const other = await api(dashboard, bridgeToken, "/api/bridge/approvals", { body: creation({ by: 2 }, { idempotencyKey: key }) });
    expect(other.status).toBe(409);
    // The bridge gives up on it: withdrawn by key, and no longer decidable.
    expect((await api(dashboard, bridgeToken, "/api/bridge/approvals/withdraw", { body: { idempotencyKey: key } })).body).toEqual({
      id: first.body.id,
      status: "withdrawn",
    });
    expect((await api(dashboard, alice, `/api/approvals/${first.body.id}/decision`, { body: { decision: "approve" } })).status).toBe(409);
    expect((await api(dashboard, bridgeToken, "/api/bridge/approvals/withdraw", { body: { idempotencyKey: randomUUID() } })).status).toBe(404);
  });
});

describe("a bridge that is gone", () => {
  it("cannot have its held call approved: the request expires as bridge_gone", async () => {
    const created = await api(dashboard, bridgeToken, "/api/bridge/approvals", {
      body: creation({ by: 3 }, { idempotencyKey: randomUUID(), bridgeInstance: `gone-${randomUUID()}` }),
    });
    expect(created.status).toBe(201);
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 0.5) * 1000));
    const decided = await api(dashboard, alice, `/api/approvals/${created.body.id}/decision`, { body: { decision: "approve" } });
    expect(decided.status).toBe(409);
    expect(decided.body.error.message).toContain("gone");
    expect((await api(dashboard, alice, `/api/approvals/${created.body.id}`)).body).toMatchObject({ status: "expired", outcome: "bridge_gone" });
  });

  it.each([
    ["is killed (SIGKILL): the sweep expires its request as bridge_gone", "kill", { status: "expired", outcome: "bridge_gone" }],
    ["exits because its agent quit: it withdraws its request", "quit", { status: "withdrawn", outcome: "withdrawn" }],
  ] as const)("holding a call, the bridge %s; the call never runs", async (_label, how, ended) => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    const call = bridge.client.callTool({ name: "increment", arguments: { by: 4 } }).catch((error: Error) => error);
    const pending = await waitFor(async () =>
      (await api(dashboard, alice, "/api/approvals?status=pending")).body.items.find((a: { tool: string; status: string }) => a.tool === "increment"),
    );
    // While the bridge lives, the request stays pending past the grace period.
    await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 1) * 1000));
    expect((await api(dashboard, alice, `/api/approvals/${pending.id}`)).body.status).toBe("pending");
    if (how === "kill") process.kill(bridge.pid()!, "SIGKILL");
    await bridge.close();
    const answer = await call;
    // Killed, the bridge answers nothing; quitting, it may still answer "withdrawn" before the pipe closes. Never a success.
    if (how === "kill") expect(answer).toBeInstanceOf(Error);
    else if (!(answer instanceof Error)) expect(answer).toMatchObject({ isError: true, content: [{ text: expect.stringContaining("withdrawn") }] });
    const after = await waitFor(
      async () => {
        const { body } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
        return body.status === "pending" ? undefined : body;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(after).toMatchObject({ ...ended, executedAt: null });
    expect((await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(409);
  });
});

describe("the dashboard restarting while a call is being held", () => {
  it("does not lose the call: the bridge retries the creation, and the approved call runs once", async () => {
    const bridge = await connectThroughBridge({
      upstreams: [COUNTER_SERVER],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
      env: { AIRLOCK_CREATE_RETRY_SECONDS: "60" },
    });
    try {
      await bridge.client.listTools();
      const before = Number(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} })));
      const { port, database } = dashboard;
      await dashboard.kill();
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 5 } }, undefined, { timeout: 120_000 });
      await new Promise((r) => setTimeout(r, 1_500));
      dashboard = await startWithGrace({ port, database });
      const pending = await waitFor(
        async () => (await api(dashboard, alice, "/api/approvals?status=pending")).body.items.find((a: { tool: string }) => a.tool === "increment"),
        { timeoutMs: 30_000 },
      );
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).body.status).toBe("approved");
      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(Number(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} })))).toBe(before + 5);
      expect((await api(dashboard, alice, "/api/approvals?status=pending")).body.items.filter((a: { tool: string }) => a.tool === "increment")).toEqual([]);
    } finally {
      await bridge.close();
    }
  });
});
