// Escalation and delegation with the real dashboard, bridge and filesystem server:
// an undecided request is escalated once (audited, still pending, still rejected by
// default on timeout), and a reviewer's away delegate is validated at the boundary.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let rita: string;
let bridgeToken: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  rita = dashboard.addUser("rita@example.com", "reviewer");
  dashboard.addUser("sam@example.com", "reviewer");
  dashboard.addUser("audrey@example.com", "auditor");
  const rule = await api(dashboard, admin, "/api/rules", {
    body: {
      name: "hold writes, escalate",
      match: { tool: "*write_file" },
      action: "require_approval",
      timeoutSeconds: 8,
      escalateAfterSeconds: 5,
      escalateTo: ["lead@example.com"],
    },
  });
  expect(rule.status).toBe(201);
  await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "escalation-laptop", "--new-tools", "enabled");
});

afterAll(async () => {
  await dashboard?.stop();
});

describe("escalation", () => {
  it("escalates an undecided request once, keeps it pending, and still rejects it on timeout", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "airlock-escalation-"));
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "late.txt"), content: "x" } });
      const pending = await waitFor(async () => (await api(dashboard, rita, "/api/approvals?status=pending")).body.items[0]);
      expect(pending.escalatedAt).toBeNull();
      const escalated = await waitFor(
        async () => {
          const { body } = await api(dashboard, rita, `/api/approvals/${pending.id}`);
          return body.escalatedAt ? body : undefined;
        },
        { timeoutMs: 10_000 },
      );
      expect(escalated.status).toBe("pending");
      const sinceCreation = Date.parse(escalated.escalatedAt) - Date.parse(escalated.createdAt);
      expect(sinceCreation).toBeGreaterThanOrEqual(5_000);
      expect(sinceCreation).toBeLessThan(8_000);
      // Nobody decided: the default on timeout stays reject.
      const result = await call;
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/no reviewer decided/);
      const { body: events } = await api(dashboard, admin, `/api/audit/export?format=json&kind=escalated`);
      expect(events.events.map((e: { kind: string; approvalId: string; detail: unknown }) => [e.kind, e.approvalId, e.detail])).toEqual([
        ["escalated", pending.id, { escalateTo: ["lead@example.com"] }],
      ]);
    } finally {
      await bridge.close();
    }
  });

  it("refuses an escalation the timeout would beat", async () => {
    const res = await api(dashboard, admin, "/api/rules", {
      body: { name: "too late", match: { tool: "x" }, action: "require_approval", timeoutSeconds: 30, escalateAfterSeconds: 30 },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("must be less than timeoutSeconds");
  });
});

describe("an away delegate", () => {
  const until = () => new Date(Date.now() + 3_600_000).toISOString();

  it("is set, read back and cleared by the reviewer", async () => {
    const set = await api(dashboard, rita, "/api/me/delegation", { method: "PUT", body: { delegateEmail: "Sam@Example.com", until: until() } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ delegateEmail: "sam@example.com", isAway: true });
    expect((await api(dashboard, rita, "/api/me/delegation")).body).toMatchObject({ delegateEmail: "sam@example.com", isAway: true });
    const cleared = await api(dashboard, rita, "/api/me/delegation", { method: "PUT", body: { delegateEmail: null, until: null } });
    expect(cleared.body).toEqual({ delegateEmail: null, until: null, isAway: false });
  });

  it("refuses oneself, someone who may not decide, an unknown user and a past end, changing nothing", async () => {
    await api(dashboard, rita, "/api/me/delegation", { method: "PUT", body: { delegateEmail: "sam@example.com", until: until() } });
    const bad: [unknown, RegExp][] = [
      [{ delegateEmail: "rita@example.com", until: until() }, /yourself/],
      [{ delegateEmail: "audrey@example.com", until: until() }, /may not decide/],
      [{ delegateEmail: "nobody@example.com", until: until() }, /no active user/],
      [{ delegateEmail: "sam@example.com", until: new Date(Date.now() - 1000).toISOString() }, /future/],
      [{ delegateEmail: "sam@example.com", until: null }, /both/],
      [{ delegateEmail: "sam@example.com", until: "tomorrow" }, /.+/],
    ];
    for (const [body, message] of bad) {
      const res = await api(dashboard, rita, "/api/me/delegation", { method: "PUT", body });
      expect({ body, status: res.status }).toEqual({ body, status: 422 });
      expect(res.body.error.message).toMatch(message);
    }
    expect((await api(dashboard, rita, "/api/me/delegation")).body).toMatchObject({ delegateEmail: "sam@example.com", isAway: true });
  });
});
