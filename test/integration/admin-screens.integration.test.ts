// The admin screens' API with the real dashboard and a real bridge: role checks, bad input
// that changes nothing, the last-admin guard, secrets shown once (then only their prefix),
// revocation that takes effect at once, all-or-nothing bulk tool decisions, version diffs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let reviewer: string;
let auditor: string;

interface UserRow {
  id: string;
  email: string;
  role: string;
  status: string;
}

const users = async (): Promise<UserRow[]> => (await api(dashboard, admin, "/api/users")).body.users;
const userByEmail = async (email: string) => (await users()).find((u) => u.email === email)!;
const auditKinds = async () =>
  ((await api(dashboard, admin, "/api/audit/export?format=json&limit=1000")).body.events as { kind: string; detail?: unknown }[]).map((e) => e.kind);

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  reviewer = dashboard.addUser("reviewer@example.com", "reviewer");
  auditor = dashboard.addUser("auditor@example.com", "auditor");
});
afterAll(async () => dashboard?.stop());

describe("users", () => {
  it("refuses reviewers and auditors with 403, and changes nothing", async () => {
    for (const token of [reviewer, auditor]) {
      const invite = await api(dashboard, token, "/api/users", { body: { email: "sneaky@example.com", role: "admin" } });
      expect(invite.status).toBe(403);
      expect(invite.body.error.code).toBe("forbidden");
      expect((await api(dashboard, token, "/api/users")).status).toBe(403);
    }
    expect((await users()).map((u) => u.email)).not.toContain("sneaky@example.com");
  });

  it("rejects bad input with 4xx and creates nobody", async () => {
    const before = (await users()).length;
    expect((await api(dashboard, admin, "/api/users", { body: { email: "x@example.com", role: "owner" } })).status).toBe(422);
    expect((await api(dashboard, admin, "/api/users", { body: { email: "not-an-email", role: "reviewer" } })).status).toBe(422);
    expect((await api(dashboard, admin, "/api/users", { body: { email: "x@example.com", role: "reviewer", password: "sneaked in" } })).status).toBe(422);
    expect((await api(dashboard, admin, "/api/users", { body: { email: "admin@example.com", role: "reviewer" } })).status).toBe(409);
    const target = await userByEmail("reviewer@example.com");
    expect((await api(dashboard, admin, `/api/users/${target.id}`, { method: "PATCH", body: { role: "admin", disabled: true } })).status).toBe(422);
    expect((await users()).length).toBe(before);
    expect((await userByEmail("reviewer@example.com")).role).toBe("reviewer");
  });

  it("invites with a one-time set-password link that works once", async () => {
    const invite = await api(dashboard, admin, "/api/users", { body: { email: "New.Person@Example.com", role: "auditor" } });
    expect(invite.status).toBe(201);
    expect(invite.body.user).toMatchObject({ email: "new.person@example.com", role: "auditor" });
    const token: string = invite.body.setPasswordToken;
    expect(token).toMatch(/^alk_set_/);
    expect(invite.body.setPasswordPath).toBe(`/set-password#token=${token}`);
    // Listed as invited; the link is never shown again.
    const listed = await api(dashboard, admin, "/api/users");
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.users.find((u: UserRow) => u.email === "new.person@example.com").status).toBe("invited");

    const setIt = (password: string) =>
      fetch(`${dashboard.url}/api/set-password`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token, password }),
      });
    expect((await setIt("short")).status).toBe(422);
    const first = await setIt("a brand new passphrase");
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ email: "new.person@example.com" });
    expect((await setIt("another new passphrase")).status).toBe(400);
    expect((await userByEmail("new.person@example.com")).status).toBe("active");

    // A reset replaces the password with a new link, shown once; the old link stays spent.
    const user = await userByEmail("new.person@example.com");
    const reset = await api(dashboard, admin, `/api/users/${user.id}/reset-password`, { body: {} });
    expect(reset.status).toBe(200);
    expect(reset.body.setPasswordToken).toMatch(/^alk_set_/);
    expect(reset.body.setPasswordToken).not.toBe(token);
    expect(await auditKinds()).toEqual(expect.arrayContaining(["user_created", "user_password_set", "user_password_reset"]));
  });

  it("never demotes or disables the last enabled admin", async () => {
    const me = await userByEmail("admin@example.com");
    const demote = await api(dashboard, admin, `/api/users/${me.id}`, { method: "PATCH", body: { role: "reviewer" } });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/no enabled admin/);
    const disable = await api(dashboard, admin, `/api/users/${me.id}`, { method: "PATCH", body: { disabled: true } });
    expect(disable.status).toBe(409);
    expect(await userByEmail("admin@example.com")).toMatchObject({ role: "admin", status: "active" });
    // The personal token still works: nothing changed.
    expect((await api(dashboard, admin, "/api/users")).status).toBe(200);
  });

  it("changes roles and disables, ending the user's access at once", async () => {
    const token = dashboard.addUser("temp@example.com", "reviewer");
    const temp = await userByEmail("temp@example.com");
    expect((await api(dashboard, admin, `/api/users/${temp.id}`, { method: "PATCH", body: { role: "auditor" } })).status).toBe(200);
    expect((await userByEmail("temp@example.com")).role).toBe("auditor");
    expect((await api(dashboard, token, "/api/rules")).status).toBe(200);
    expect((await api(dashboard, admin, `/api/users/${temp.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expect((await userByEmail("temp@example.com")).status).toBe("disabled");
    expect((await api(dashboard, token, "/api/rules")).status).toBe(401);
    expect((await api(dashboard, admin, `/api/users/${temp.id}`, { method: "PATCH", body: { disabled: false } })).status).toBe(200);
    expect((await api(dashboard, token, "/api/rules")).status).toBe(200);
    expect(await auditKinds()).toEqual(expect.arrayContaining(["user_role_changed", "user_disabled", "user_enabled"]));
  });
});

describe("personal tokens", () => {
  it("are shown once, then only by prefix; record their last use; stop working when revoked", async () => {
    const created = await api(dashboard, reviewer, "/api/tokens", { body: { name: "laptop script" } });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^alk_pat_/);
    expect(created.body.prefix).toBe(token.slice(0, 12));

    const used = await api(dashboard, token, "/api/tokens");
    expect(used.status).toBe(200);
    expect(JSON.stringify(used.body)).not.toContain(token);
    const row = used.body.tokens.find((t: { name: string }) => t.name === "laptop script");
    expect(row).toMatchObject({ prefix: token.slice(0, 12), expiresAt: null, revokedAt: null });
    expect(row.lastUsedAt).not.toBeNull();
    expect(Object.keys(row).sort()).toEqual(["createdAt", "expiresAt", "id", "lastUsedAt", "name", "prefix", "revokedAt"]);

    // Another user's token is not theirs to revoke (404, nothing changes).
    expect((await api(dashboard, auditor, `/api/tokens/${row.id}/revoke`, { body: {} })).status).toBe(404);
    expect((await api(dashboard, token, "/api/tokens")).status).toBe(200);

    expect((await api(dashboard, reviewer, `/api/tokens/${row.id}/revoke`, { body: {} })).status).toBe(200);
    expect((await api(dashboard, token, "/api/tokens")).status).toBe(401);
    expect(await auditKinds()).toEqual(expect.arrayContaining(["token_created", "token_revoked"]));
  });

  it("take an optional expiry in the future, and refuse bad names and dates", async () => {
    expect((await api(dashboard, reviewer, "/api/tokens", { body: { name: "old", expiresAt: "2001-01-01T00:00:00Z" } })).status).toBe(422);
    expect((await api(dashboard, reviewer, "/api/tokens", { body: { name: "bad", expiresAt: "tomorrow" } })).status).toBe(422);
    expect((await api(dashboard, reviewer, "/api/tokens", { body: { name: "  " } })).status).toBe(422);
    const names = (await api(dashboard, reviewer, "/api/tokens")).body.tokens.map((t: { name: string }) => t.name);
    expect(names).not.toContain("old");
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const ok = await api(dashboard, reviewer, "/api/tokens", { body: { name: "short-lived", expiresAt } });
    expect(ok.status).toBe(201);
    expect(ok.body.expiresAt).toBe(expiresAt);
    expect((await api(dashboard, reviewer, "/api/tokens", { body: { name: "short-lived" } })).status).toBe(409);
  });
});

describe("bridges", () => {
  it("admins create a bridge token (shown once), see it online with its client and upstream, and revoke it", async () => {
    for (const token of [reviewer, auditor]) expect((await api(dashboard, token, "/api/bridges", { body: { name: "nope" } })).status).toBe(403);
    expect((await api(dashboard, admin, "/api/bridges", { body: { name: "has spaces" } })).status).toBe(422);

    const created = await api(dashboard, admin, "/api/bridges", { body: { name: "ci-runner", newTools: "enabled" } });
    expect(created.status).toBe(201);
    const token: string = created.body.token;
    expect(token).toMatch(/^alk_brg_/);
    expect((await api(dashboard, admin, "/api/bridges", { body: { name: "ci-runner" } })).status).toBe(409);

    await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] }, comment: "open" } });
    const bridge = await connectThroughBridge({ upstreams: [`files=${FILESYSTEM_SERVER} /tmp`], dashboardUrl: dashboard.url, token });
    try {
      const listed = await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} });
      expect(textOf(listed)).toContain("/tmp");
      const row = await waitFor(async () => {
        const list = await api(dashboard, admin, "/api/bridges");
        const b = list.body.bridges.find((x: { name: string }) => x.name === "ci-runner");
        return b?.clients.length ? { b, text: JSON.stringify(list.body) } : undefined;
      });
      expect(row.text).not.toContain(token);
      expect(row.b).toMatchObject({ status: "online", prefix: token.slice(0, 12), pendingRequests: 0, upstreams: ["files"] });
      expect(row.b.clients).toEqual([{ name: "airlock-test-agent", version: "1.0.0" }]);
      expect(row.b.connectedInstances).toBe(1);

      expect((await api(dashboard, auditor, `/api/bridges/${row.b.id}/revoke`, { body: {} })).status).toBe(403);
      expect((await api(dashboard, token, "/api/bridge/policy")).status).toBe(200);
      const revoked = await api(dashboard, admin, `/api/bridges/${row.b.id}/revoke`, { body: {} });
      expect(revoked.status).toBe(200);
      // At once, not after the 5 s cache: the revoking process forgets the token.
      expect((await api(dashboard, token, "/api/bridge/policy")).status).toBe(401);
      const after = (await api(dashboard, admin, "/api/bridges")).body.bridges.find((x: { name: string }) => x.name === "ci-runner");
      expect(after.status).toBe("revoked");
      expect(await auditKinds()).toEqual(expect.arrayContaining(["bridge_token_created", "bridge_token_revoked"]));
    } finally {
      await bridge.close();
    }
  });
});

describe("bulk tool decisions", () => {
  async function reportTools(server: string) {
    const token = dashboard.cli("bridge-token", "create", "--name", `reporter-${server}`);
    const tools = ["alpha", "beta", "gamma"].map((name) => ({
      name,
      description: `${name} tool`,
      inputSchema: { type: "object" },
      annotations: { readOnlyHint: name !== "gamma" },
    }));
    const res = await api(dashboard, token, "/api/bridge/tools", { body: { server, tools } });
    expect(res.status).toBe(200);
    const inventory = (await api(dashboard, admin, "/api/tools")).body.items as {
      id: string;
      server: string;
      name: string;
      status: string;
      definitionHash: string;
      annotations: object;
    }[];
    return inventory.filter((t) => t.server === server);
  }

  it("applies all or nothing, through the single-tool checks", async () => {
    const tools = await reportTools("bulk-srv");
    expect(tools.map((t) => [t.name, t.status, t.annotations])).toEqual([
      ["alpha", "pending", { readOnlyHint: true }],
      ["beta", "pending", { readOnlyHint: true }],
      ["gamma", "pending", { readOnlyHint: false }],
    ]);
    const items = tools.map((t) => ({ id: t.id, definitionHash: t.definitionHash }));
    const statuses = async () =>
      (await api(dashboard, admin, "/api/tools")).body.items
        .filter((t: { server: string }) => t.server === "bulk-srv")
        .map((t: { status: string }) => t.status);

    // One unknown id, one stale hash, a duplicate: refused, and none of the others changed.
    expect(
      (
        await api(dashboard, admin, "/api/tools/bulk", {
          body: { action: "enable", tools: [...items.slice(0, 2), { id: "no-such-tool", definitionHash: "0".repeat(64) }] },
        })
      ).status,
    ).toBe(404);
    expect(
      (await api(dashboard, admin, "/api/tools/bulk", { body: { action: "enable", tools: [items[0], { ...items[1], definitionHash: "f".repeat(64) }] } }))
        .status,
    ).toBe(409);
    expect((await api(dashboard, admin, "/api/tools/bulk", { body: { action: "enable", tools: [items[0], items[0]] } })).status).toBe(422);
    expect((await api(dashboard, admin, "/api/tools/bulk", { body: { action: "enable", tools: [] } })).status).toBe(422);
    expect((await api(dashboard, reviewer, "/api/tools/bulk", { body: { action: "enable", tools: items } })).status).toBe(403);
    expect((await api(dashboard, auditor, "/api/tools/bulk", { body: { action: "enable", tools: items } })).status).toBe(403);
    expect(await statuses()).toEqual(["pending", "pending", "pending"]);

    const ok = await api(dashboard, admin, "/api/tools/bulk", { body: { action: "enable", tools: items.slice(0, 2) } });
    expect(ok.status).toBe(200);
    expect(ok.body.tools.map((t: { status: string }) => t.status)).toEqual(["enabled", "enabled"]);
    expect(await statuses()).toEqual(["enabled", "enabled", "pending"]);
    const events = (await api(dashboard, admin, "/api/audit/export?format=json&kind=tool_enabled&limit=100")).body.events as {
      tool: string;
      detail: { batch: number };
    }[];
    expect(
      events
        .filter((e) => e.detail?.batch === 2)
        .map((e) => e.tool)
        .sort(),
    ).toEqual(["alpha", "beta"]);
  });
});

describe("policy version diff", () => {
  it("answers a line diff of two versions' policy files", async () => {
    const put = async (rules: object[], comment: string) =>
      (await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "require_approval", rules }, comment } })).body.version as number;
    const a = await put([{ name: "reads pass", match: { annotations: { readOnlyHint: true } }, action: "allow" }], "one");
    const b = await put(
      [
        { name: "reads pass", match: { annotations: { readOnlyHint: true } }, action: "allow" },
        { name: "no wipes", match: { tool: "wipe" }, action: "deny" },
      ],
      "two",
    );
    const diff = await api(dashboard, auditor, `/api/rules/versions/diff?from=${a}&to=${b}`);
    expect(diff.status).toBe(200);
    const added = diff.body.lines.filter((l: { type: string }) => l.type === "added").map((l: { text: string }) => l.text.trim());
    expect(added).toEqual(expect.arrayContaining(["- name: no wipes", "tool: wipe", "action: deny"]));
    expect(diff.body.lines.filter((l: { type: string }) => l.type === "removed")).toEqual([]);
    expect(diff.body.added).toBe(added.length);
    expect((await api(dashboard, auditor, `/api/rules/versions/diff?from=${a}&to=9999`)).status).toBe(404);
    expect((await api(dashboard, auditor, `/api/rules/versions/diff?from=x&to=1`)).status).toBe(422);
    expect((await api(dashboard, reviewer, `/api/rules/versions/diff?from=${a}&to=${b}`)).status).toBe(403);
  });
});
