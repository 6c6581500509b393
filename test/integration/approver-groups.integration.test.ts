// Approver groups with the real dashboard, bridge and filesystem server: a rule that names a
// group holds a write that only the group's members may decide (not another reviewer, not an
// admin outside it); a rule cannot name a group that does not exist, a group a rule names
// cannot be deleted, and every membership change is in the audit trail.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let rita: string;
let bob: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  rita = dashboard.addUser("rita@example.com", "reviewer");
  bob = dashboard.addUser("bob@example.com", "reviewer");
  dashboard.addUser("audrey@example.com", "auditor");
});
afterAll(async () => {
  await dashboard?.stop();
});

describe("approver groups", () => {
  it("lets only the group's members decide what its rule holds", async () => {
    const created = await api(dashboard, admin, "/api/groups", { body: { name: "payments", description: "the payments team" } });
    expect(created.status).toBe(201);
    const members = await api(dashboard, admin, `/api/groups/${created.body.id}/members`, { method: "PUT", body: { members: ["rita@example.com"] } });
    expect(members.status).toBe(200);
    expect(members.body).toMatchObject({ added: ["rita@example.com"], removed: [] });

    const rule = await api(dashboard, admin, "/api/rules", {
      body: { name: "payments writes", match: { tool: "*write_file" }, action: "require_approval", approverGroup: "payments", timeoutSeconds: 60 },
    });
    expect(rule.status).toBe(201);
    await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });

    const workspace = mkdtempSync(join(tmpdir(), "airlock-groups-"));
    const token = dashboard.cli("bridge-token", "create", "--name", "groups-laptop", "--new-tools", "enabled");
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token });
    try {
      const target = join(workspace, "invoice.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: target, content: "pay 100" } });
      const pending = await waitFor(async () => (await api(dashboard, bob, "/api/approvals?status=pending")).body.items[0]);
      expect(pending.approverGroup).toBe("payments");

      for (const [who, token] of [
        ["a reviewer outside the group", bob],
        ["an admin outside the group", admin],
      ] as const) {
        const refused = await api(dashboard, token, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
        expect({ who, status: refused.status, message: refused.body.error?.message }).toEqual({
          who,
          status: 403,
          message: 'this request needs a member of the approver group "payments"',
        });
      }
      expect(existsSync(target)).toBe(false);

      const approved = await api(dashboard, rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", comment: "expected invoice" } });
      expect(approved.status).toBe(200);
      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(textOf(result)).toMatch(/Successfully wrote/);
      expect(readFileSync(target, "utf8")).toBe("pay 100");

      // A group a rule names cannot be deleted: the rule would hold calls nobody could decide.
      const deleted = await api(dashboard, admin, `/api/groups/${created.body.id}`, { method: "DELETE" });
      expect(deleted.status).toBe(409);
      expect(deleted.body.error.message).toContain('"payments writes"');

      const { body: trail } = await api(dashboard, admin, "/api/audit/export?format=json&kind=approver_group_members_changed");
      expect(trail.events.map((e: { kind: string; detail: unknown }) => [e.kind, e.detail])).toEqual([
        ["approver_group_members_changed", { group: "payments", added: ["rita@example.com"], removed: [] }],
      ]);
    } finally {
      await bridge.close();
    }
  });

  it("refuses a rule naming a group that does not exist, members who cannot decide, and bad names; nothing changes", async () => {
    const before = (await api(dashboard, admin, "/api/policy?format=json")).body;
    const ghost = await api(dashboard, admin, "/api/rules", {
      body: { name: "ghost group", match: { tool: "x" }, action: "require_approval", approverGroup: "nobody-here" },
    });
    expect(ghost.status).toBe(422);
    expect(ghost.body.error.message).toBe('rule "ghost group": no approver group is named "nobody-here"; create it first');
    const ghostEscalation = await api(dashboard, admin, "/api/rules", {
      body: {
        name: "ghost escalation",
        match: { tool: "x" },
        action: "require_approval",
        timeoutSeconds: 60,
        escalateAfterSeconds: 30,
        escalateTo: { group: "nobody-here" },
      },
    });
    expect(ghostEscalation.status).toBe(422);
    expect(ghostEscalation.body.error.message).toBe('rule "ghost escalation": no approver group is named "nobody-here"; create it first');
    const onAllow = await api(dashboard, admin, "/api/rules", {
      body: { name: "allow with group", match: { tool: "x" }, action: "allow", approverGroup: "payments" },
    });
    expect(onAllow.status).toBe(422);
    expect((await api(dashboard, admin, "/api/policy?format=json")).body).toEqual(before);

    const group = await api(dashboard, admin, "/api/groups", { body: { name: "legal" } });
    expect(group.status).toBe(201);
    expect((await api(dashboard, admin, "/api/groups", { body: { name: "legal" } })).status).toBe(409);
    expect((await api(dashboard, admin, "/api/groups", { body: { name: "Legal Team" } })).status).toBe(422);
    const auditor = await api(dashboard, admin, `/api/groups/${group.body.id}/members`, { method: "PUT", body: { members: ["audrey@example.com"] } });
    expect(auditor.status).toBe(422);
    expect(auditor.body.error.message).toContain("auditors do not decide");
    const stranger = await api(dashboard, admin, `/api/groups/${group.body.id}/members`, {
      method: "PUT",
      body: { members: ["rita@example.com", "who@example.com"] },
    });
    expect(stranger.status).toBe(422);
    const { body } = await api(dashboard, admin, "/api/groups");
    expect(body.groups.find((g: { name: string }) => g.name === "legal").members).toEqual([]);
    expect((await api(dashboard, rita, "/api/groups")).status).toBe(403);
    expect((await api(dashboard, admin, `/api/groups/${group.body.id}`, { method: "DELETE" })).status).toBe(204);
  });
});
