// The approval guarantee, tried as an attacker would: nothing runs unless the
// required people approved exactly that call. Real dashboard, real bridge, real
// MCP server that counts what it ran.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashArguments } from "../../lib/crypto/canonical-hash";
import { COUNTER_SERVER, connectThroughBridge, textOf } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let admin2: string;
let alice: string;
let bob: string;
let bridgeToken: string;

const POLICY = {
  default: "allow",
  rules: [
    {
      name: "two keys for big increments",
      match: { tool: "increment" },
      when: "args.by >= 50",
      action: "require_approval",
      approvers: 2,
      approverRole: "admin",
    },
    { name: "two reviewers for increments of 10 to 49", match: { tool: "increment" }, when: "args.by >= 10", action: "require_approval", approvers: 2 },
    { name: "one reviewer for small increments", match: { tool: "increment" }, action: "require_approval" },
  ],
};

async function pendingFor(tool: string, exclude: string[] = []) {
  return waitFor(async () => {
    const { body } = await api(dashboard, alice, "/api/approvals?status=pending");
    return body.items.find((a: { id: string; tool: string }) => a.tool === tool && !exclude.includes(a.id));
  });
}

const decide = (token: string, id: string, body: object) => api(dashboard, token, `/api/approvals/${id}/decision`, { body });
const countOf = async (client: Awaited<ReturnType<typeof connectThroughBridge>>["client"]) =>
  Number(textOf(await client.callTool({ name: "get_count", arguments: {} })));

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  admin2 = dashboard.addUser("admin2@example.com", "admin");
  alice = dashboard.addUser("alice@example.com", "reviewer");
  bob = dashboard.addUser("bob@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "guarantee-laptop", "--new-tools", "enabled");
  await afterBlockingCalls();
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: POLICY } })).status).toBe(200);
});

afterAll(async () => {
  await dashboard?.stop();
});

describe("a quorum is bound to the arguments", () => {
  it("does not let B's edit run on A's approval of the original: everyone approves the edit", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = await countOf(bridge.client);
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 10 } });
      const pending = await pendingFor("increment");
      expect((await decide(alice, pending.id, { decision: "approve" })).body).toMatchObject({ status: "pending", approvals: 1, requiredApprovers: 2 });
      // Bob approves different arguments: a new proposal with one approval, not a quorum.
      const edited = await decide(bob, pending.id, { decision: "approve", arguments: { by: 20 } });
      expect(edited.body).toMatchObject({ status: "pending", edited: true, approvals: 1, argumentsHash: hashArguments({ by: 20 }) });
      const { body: detail } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
      expect(detail.status).toBe("pending");
      expect(detail.proposals).toEqual([
        { argumentsHash: hashArguments({ by: 10 }), arguments: { by: 10 }, proposedBy: null, approvedBy: ["alice@example.com"] },
        { argumentsHash: hashArguments({ by: 20 }), arguments: { by: 20 }, proposedBy: "bob@example.com", approvedBy: ["bob@example.com"] },
      ]);
      expect(detail.decisions.map((d: { reviewer: string; argumentsHash: string }) => [d.reviewer, d.argumentsHash])).toEqual([
        ["alice@example.com", hashArguments({ by: 10 })],
        ["bob@example.com", hashArguments({ by: 20 })],
      ]);
      // Alice approves the edit she has now seen, by its hash: that is the quorum, and exactly that runs.
      expect((await decide(alice, pending.id, { decision: "approve", argumentsHash: hashArguments({ by: 20 }) })).body).toMatchObject({
        status: "approved",
        approvals: 2,
      });
      expect((await call).isError).toBeFalsy();
      expect(await countOf(bridge.client)).toBe(before + 20);
      const { body: after } = await api(dashboard, alice, `/api/approvals/${pending.id}`);
      expect(after).toMatchObject({ approvedArguments: { by: 20 }, approvedArgumentsHash: hashArguments({ by: 20 }) });
      await waitFor(async () => ((await api(dashboard, alice, `/api/approvals/${pending.id}`)).body.executedArguments ? true : undefined));
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}`)).body.executedArguments).toEqual({ by: 20 });
    } finally {
      await bridge.close();
    }
  });

  it("does not drop A's edit when B approves the original: neither proposal has a quorum", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = await countOf(bridge.client);
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 11 } });
      const pending = await pendingFor("increment");
      expect((await decide(alice, pending.id, { decision: "approve", arguments: { by: 12 } })).body).toMatchObject({ status: "pending", edited: true });
      expect((await decide(bob, pending.id, { decision: "approve" })).body).toMatchObject({ status: "pending", approvals: 1 });
      expect((await api(dashboard, alice, `/api/approvals/${pending.id}`)).body.status).toBe("pending");
      // A hash that is no proposal of this request is refused and counts for nothing.
      expect((await decide(bob, pending.id, { decision: "approve", argumentsHash: hashArguments({ by: 13 }) })).status).toBe(409);
      expect((await decide(bob, pending.id, { decision: "approve", arguments: { by: 12 } })).body).toMatchObject({ status: "approved", approvals: 2 });
      expect((await call).isError).toBeFalsy();
      expect(await countOf(bridge.client)).toBe(before + 12);
    } finally {
      await bridge.close();
    }
  });

  it("counts two approvers deciding at the same moment exactly once each, and runs once", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const seen: string[] = [];
      for (let round = 0; round < 5; round++) {
        const before = await countOf(bridge.client);
        const call = bridge.client.callTool({ name: "increment", arguments: { by: 10 + round } });
        const pending = await pendingFor("increment", seen);
        seen.push(pending.id);
        const [a, b] = await Promise.all([decide(alice, pending.id, { decision: "approve" }), decide(bob, pending.id, { decision: "approve" })]);
        expect([a.status, b.status]).toEqual([200, 200]);
        expect([a.body.status, b.body.status].sort()).toEqual(["approved", "pending"]);
        expect((await call).isError).toBeFalsy();
        expect(await countOf(bridge.client)).toBe(before + 10 + round);
      }
    } finally {
      await bridge.close();
    }
  });
});

describe("an edit is re-checked by the whole policy", () => {
  it("holds an edit that moves a call into a two-admin rule again, for two admins", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = await countOf(bridge.client);
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 1 } });
      const first = await pendingFor("increment");
      expect(first).toMatchObject({ ruleName: "one reviewer for small increments" });
      expect((await decide(alice, first.id, { decision: "approve", arguments: { by: 90 } })).body.status).toBe("approved");
      const second = await pendingFor("increment", [first.id]);
      const { body: detail } = await api(dashboard, admin, `/api/approvals/${second.id}`);
      expect(detail).toMatchObject({ ruleName: "two keys for big increments", requiredApprovers: 2, approverRole: "admin", arguments: { by: 90 } });
      await waitFor(async () => ((await api(dashboard, alice, `/api/approvals/${first.id}`)).body.outcome === "reheld" ? true : undefined));
      expect(await countOf(bridge.client)).toBe(before);
      // A reviewer cannot approve it; two admins can.
      expect((await decide(bob, second.id, { decision: "approve" })).status).toBe(403);
      expect((await decide(admin, second.id, { decision: "approve" })).body.status).toBe("pending");
      expect((await decide(admin2, second.id, { decision: "approve" })).body.status).toBe("approved");
      expect((await call).isError).toBeFalsy();
      expect(await countOf(bridge.client)).toBe(before + 90);
    } finally {
      await bridge.close();
    }
  });
});

describe("rule names are unique", () => {
  it.each([
    ["the same name", "hold increments", "hold increments"],
    ["names that differ in case", "Hold increments", "hold INCREMENTS"],
  ])("refuses a policy with two rules under %s, and changes nothing", async (_label, first, second) => {
    const { body: before } = await api(dashboard, admin, "/api/rules/versions");
    const res = await api(dashboard, admin, "/api/policy", {
      method: "PUT",
      body: {
        policy: {
          default: "allow",
          rules: [
            { name: first, match: { tool: "increment" }, action: "require_approval" },
            { name: second, match: { tool: "increment" }, action: "require_approval", approvers: 2, approverRole: "admin" },
          ],
        },
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body.error)).toContain("names must be unique");
    expect((await api(dashboard, admin, "/api/rules/versions")).body).toEqual(before);
  });

  it("refuses a second rule under an existing name through POST /api/rules", async () => {
    const res = await api(dashboard, admin, "/api/rules", { body: { name: "ONE reviewer for small increments", match: { tool: "x" }, action: "deny" } });
    expect(res.status).toBe(409);
  });

  it("gives every rule a stable id that survives other changes", async () => {
    const ids = async () =>
      Object.fromEntries((await api(dashboard, admin, "/api/policy?format=json")).body.rules.map((r: { name: string; id: string }) => [r.name, r.id]));
    const before = await ids();
    expect(Object.values(before).every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    expect((await api(dashboard, admin, "/api/rules", { body: { name: "deny resets", match: { tool: "reset" }, action: "deny" } })).status).toBe(201);
    const after = await ids();
    for (const [name, id] of Object.entries(before)) expect(after[name]).toBe(id);
    expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: POLICY, comment: "back" } })).status).toBe(200);
  });
});

describe("nobody approves their own request, however it is spelled", () => {
  const spellings = [
    "alice@example.com ",
    " alice@example.com",
    "mailto:alice@example.com",
    "ALICE@Example.com",
    "Alice <alice@example.com>",
    "ａｌｉｃｅ@example.com",
    "alice\u200B@example.com",
  ];

  it.each(spellings)("refuses alice's decision on a request made for %j", async (principal) => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 1 }, _meta: { "airlock/user": principal } });
      const pending = await pendingFor("increment");
      const res = await decide(alice, pending.id, { decision: "approve" });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain("on your own behalf");
      const { body: detail } = await api(dashboard, bob, `/api/approvals/${pending.id}`);
      expect(detail).toMatchObject({ status: "pending", principal: "alice@example.com" });
      expect((await decide(bob, pending.id, { decision: "reject", comment: "not today" })).status).toBe(200);
      expect((await call).isError).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("changes to policy and bridges are on the audit trail", () => {
  it("records PUT /api/policy, POST /api/rules, a rollback and PATCH /api/bridges, with who did it", async () => {
    const put = await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...POLICY, default: "deny" }, comment: "tighten" } });
    expect(put.status).toBe(200);
    const added = await api(dashboard, admin, "/api/rules", { body: { name: "deny wipes", match: { tool: "wipe" }, action: "deny" } });
    expect(added.status).toBe(201);
    const rollback = await api(dashboard, admin, "/api/rules/rollback", { body: { version: put.body.version } });
    expect(rollback.status).toBe(200);
    const { body: bridges } = await api(dashboard, admin, "/api/bridges");
    const bridge = bridges.bridges.find((b: { name: string }) => b.name === "guarantee-laptop");
    expect((await api(dashboard, admin, `/api/bridges/${bridge.id}`, { method: "PATCH", body: { newTools: "disabled" } })).status).toBe(200);

    const { body: audit } = await api(dashboard, admin, "/api/audit/export?format=json");
    const changes = audit.events.filter((e: { kind: string }) => e.kind === "policy_changed" || e.kind === "bridge_updated");
    const byVersion = (v: number) => changes.find((e: { policyVersion: number }) => e.policyVersion === v);
    expect(byVersion(put.body.version)).toMatchObject({ kind: "policy_changed", actor: "admin@example.com", detail: { comment: "tighten" } });
    expect(byVersion(added.body.version)).toMatchObject({ kind: "policy_changed", actor: "admin@example.com", detail: { comment: 'add rule "deny wipes"' } });
    expect(byVersion(rollback.body.version)).toMatchObject({ kind: "policy_changed", detail: { comment: `rollback to version ${put.body.version}` } });
    expect(changes.at(-1)).toMatchObject({
      kind: "bridge_updated",
      actor: "admin@example.com",
      bridge: "guarantee-laptop",
      detail: { setting: "newTools", from: "enabled", to: "disabled" },
    });
    expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: POLICY } })).status).toBe(200);
    expect((await api(dashboard, admin, `/api/bridges/${bridge.id}`, { method: "PATCH", body: { newTools: "enabled" } })).status).toBe(200);
  });
});
