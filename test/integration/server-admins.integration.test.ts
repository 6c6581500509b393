// Per-server admins with real parts: a real bridge reports two servers' tools to a real
// dashboard; a reviewer who administers one of them enables its tools (the agent then sees
// them) and sets its upstream secrets, and is refused everything of the other server, tags,
// and the Users page's powers. Every grant change is audited; an auditor or admin cannot be
// given servers, and a reviewer who administers none is refused as before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, LIFECYCLE_SERVER } from "../helpers/bridge-client";
import { api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";
import { signIn } from "../helpers/session";

let dashboard: Dashboard;
let admin: string;
let sam: string;
let rita: string;
let auditor: string;
let bridge: Awaited<ReturnType<typeof connectThroughBridge>>;

interface Row {
  id: string;
  server: string;
  name: string;
  status: string;
}

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  sam = dashboard.addUser("sam@example.com", "reviewer");
  rita = dashboard.addUser("rita@example.com", "reviewer");
  auditor = dashboard.addUser("auditor@example.com", "auditor");
  await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] }, comment: "server admins test" } });
  const token = dashboard.cli("bridge-token", "create", "--name", "two-servers");
  bridge = await connectThroughBridge({ upstreams: [`alpha=${LIFECYCLE_SERVER}`, `beta=${LIFECYCLE_SERVER}`], dashboardUrl: dashboard.url, token });
  await waitFor(async () => ((await api(dashboard, admin, "/api/tools")).body.items.length >= 2 ? true : undefined), { timeoutMs: 15_000 });
});
afterAll(async () => {
  await bridge?.close();
  await dashboard?.stop();
});

const inventory = async (token: string) => api(dashboard, token, "/api/tools");
const toolOf = async (server: string): Promise<Row> => (await inventory(admin)).body.items.find((t: Row) => t.server === server && t.name === "send_note");
const hashOf = async (id: string): Promise<string> => (await api(dashboard, admin, `/api/tools/${id}`)).body.definitionHash;
const setServers = (email: string, servers: string[]) => api(dashboard, admin, "/api/server-admins", { method: "PUT", body: { email, servers } });

describe("per-server admins", () => {
  it("a reviewer given a server manages its tools and only its tools; the agent sees what they enable", async () => {
    expect((await inventory(sam)).status).toBe(403);
    const granted = await setServers("sam@example.com", ["alpha"]);
    expect(granted).toEqual({ status: 200, body: { email: "sam@example.com", servers: ["alpha"], added: ["alpha"], removed: [] } });

    const seen = await inventory(sam);
    expect(seen.status).toBe(200);
    expect(new Set(seen.body.items.map((t: Row) => t.server))).toEqual(new Set(["alpha"]));
    expect((await inventory(auditor)).body.items.map((t: Row) => t.server)).toContain("beta");

    const [alpha, beta] = [await toolOf("alpha"), await toolOf("beta")];
    expect([alpha.status, beta.status]).toEqual(["pending", "pending"]);
    // Another server's tool does not exist for them, to read or to change.
    expect((await api(dashboard, sam, `/api/tools/${beta.id}`)).status).toBe(404);
    const refused = await api(dashboard, sam, `/api/tools/${beta.id}/decision`, { body: { action: "enable", definitionHash: await hashOf(beta.id) } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe('you do not administer the server "beta"');
    // A batch is all or nothing: one tool of another server refuses the whole batch.
    const batch = await api(dashboard, sam, "/api/tools/bulk", {
      body: {
        action: "enable",
        tools: [
          { id: alpha.id, definitionHash: await hashOf(alpha.id) },
          { id: beta.id, definitionHash: await hashOf(beta.id) },
        ],
      },
    });
    expect(batch.status).toBe(403);
    expect([(await toolOf("alpha")).status, (await toolOf("beta")).status]).toEqual(["pending", "pending"]);

    const enabled = await api(dashboard, sam, `/api/tools/${alpha.id}/decision`, { body: { action: "enable", definitionHash: await hashOf(alpha.id) } });
    expect(enabled.status).toBe(200);
    expect(enabled.body.status).toBe("enabled");
    await waitFor(async () => ((await bridge.client.listTools()).tools.some((t) => t.name === "alpha__send_note") ? true : undefined), { timeoutMs: 10_000 });
    expect((await bridge.client.listTools()).tools.map((t) => t.name)).not.toContain("beta__send_note");
    // Tags reach across servers (rules match on them): admins only.
    expect((await api(dashboard, sam, `/api/tools/${alpha.id}/tags`, { method: "PUT", body: { sink: true } })).status).toBe(403);
    // Nor do they manage people.
    expect((await api(dashboard, sam, "/api/server-admins", { method: "PUT", body: { email: "sam@example.com", servers: ["beta"] } })).status).toBe(403);
    // A reviewer who administers nothing is refused as before, before their body is read.
    expect((await api(dashboard, rita, `/api/tools/${alpha.id}/decision`, { body: { action: "disable", definitionHash: "0".repeat(64) } })).status).toBe(403);

    const { body: trail } = await api(dashboard, admin, "/api/audit/export?format=json&kind=server_admins_changed");
    expect(trail.events.map((e: { kind: string; detail: unknown }) => [e.kind, e.detail])).toEqual([
      ["server_admins_changed", { user: "sam@example.com", added: ["alpha"], removed: [] }],
    ]);
    const { body: decided } = await api(dashboard, admin, "/api/audit/export?format=json&kind=tool_enabled");
    // One enablement, by sam, of alpha's tool (the refused ones left nothing).
    expect(decided.events.map((e: { server: string; tool: string; actor: string }) => [e.server, e.tool, e.actor])).toEqual([
      ["alpha", "send_note", "sam@example.com"],
    ]);
  });

  it("sets and removes only their servers' upstream secrets, and sees only those", async () => {
    await setServers("sam@example.com", ["alpha"]);
    const mine = await api(dashboard, sam, "/api/secrets", { body: { upstream: "alpha", kind: "env", name: "ALPHA_TOKEN", value: "alpha-secret-value" } });
    expect(mine.status).toBe(201);
    const theirs = await api(dashboard, admin, "/api/secrets", { body: { upstream: "beta", kind: "env", name: "BETA_TOKEN", value: "beta-secret-value" } });
    expect(theirs.status).toBe(201);

    expect((await api(dashboard, sam, "/api/secrets", { body: { upstream: "beta", kind: "env", name: "BETA_TOKEN", value: "overwritten" } })).status).toBe(403);
    expect((await api(dashboard, sam, `/api/secrets/${theirs.body.id}`, { method: "DELETE" })).status).toBe(403);
    const listed = await api(dashboard, sam, "/api/secrets");
    expect(listed.body.secrets.map((s: { upstream: string; name: string; value: string }) => [s.upstream, s.name, s.value])).toEqual([
      ["alpha", "ALPHA_TOKEN", "••••••••"],
    ]);
    // The admin's beta secret is untouched: still version 1.
    const all = await api(dashboard, admin, "/api/secrets");
    expect(all.body.secrets.find((s: { name: string }) => s.name === "BETA_TOKEN").version).toBe(1);
    expect((await api(dashboard, sam, `/api/secrets/${mine.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(dashboard, rita, "/api/secrets")).status).toBe(403);
  });

  it("the Tools page shows a server admin their servers, and stays closed to a reviewer with none", async () => {
    await setServers("sam@example.com", ["alpha"]);
    const samCookie = await signIn(dashboard, "sam@example.com", "correct horse battery staple");
    const ritaCookie = await signIn(dashboard, "rita@example.com", "correct horse battery staple");
    const page = await fetch(`${dashboard.url}/tools`, { headers: { cookie: samCookie! } });
    expect(page.status).toBe(200);
    // React separates text nodes with comments: compare the visible text.
    const html = (await page.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("You administer alpha: their tools are listed here.");
    expect(html).toContain('aria-label="Select alpha / send_note"');
    expect(html).not.toContain("Select beta /");
    const closed = await fetch(`${dashboard.url}/tools`, { headers: { cookie: ritaCookie! } });
    expect(closed.status).toBe(403);
    // The no-access page says who else may open it (streamed, so its text is in the page's payload).
    expect(await closed.text()).toContain("reviewers who administer a server");
  });

  it("gives servers to active reviewers only, names what is wrong, and changes nothing then", async () => {
    await setServers("sam@example.com", ["alpha"]);
    const cases: [string, string[], RegExp][] = [
      ["auditor@example.com", ["alpha"], /auditor role only reads/],
      ["admin@example.com", ["alpha"], /administers every server already/],
      ["nobody@example.com", ["alpha"], /no user has the email nobody@example.com/],
      ["sam@example.com", ["not a name"], /upstream name/],
    ];
    for (const [email, servers, message] of cases) {
      const answer = await setServers(email, servers);
      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.body)).toMatch(message);
    }
    expect((await api(dashboard, admin, "/api/server-admins")).body).toEqual({ serverAdmins: [{ email: "sam@example.com", servers: ["alpha"] }] });
    // Removing every server returns them to a plain reviewer.
    expect((await setServers("sam@example.com", [])).body).toMatchObject({ servers: [], removed: ["alpha"] });
    expect((await inventory(sam)).status).toBe(403);
    expect((await api(dashboard, admin, "/api/server-admins")).body).toEqual({ serverAdmins: [] });
  });
});
