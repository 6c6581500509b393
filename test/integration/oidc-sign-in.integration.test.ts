// Single sign-on against a real OpenID Provider (oidc-provider on loopback), over plain HTTP:
// a misconfigured issuer stops `airlock start` with one clear line; claims map to roles at
// every sign-in (highest wins, no mapped group is refused, changes audited and end old
// sessions); a disabled user can neither use an old session nor sign in again; an existing
// local user is linked only by an email the IdP verified; with passwords off the credentials
// endpoint and the password-only paths refuse.
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIRLOCK_BIN, afterBlockingCalls, api, type Dashboard, freePort, startDashboard } from "../helpers/dashboard";
import { signInThroughOidcHttp, startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";
import { signIn } from "../helpers/session";
import { createTestDatabase } from "../helpers/test-database";

const ROLE_MAP = "airlock-admins=admin,airlock-reviewers=reviewer,airlock-auditors=auditor";

/** Runs `airlock start` with this environment and waits for it to exit (it must not start). */
async function startFails(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const database = await createTestDatabase();
  try {
    const port = await freePort();
    const child = spawn(process.execPath, [AIRLOCK_BIN, "start", "--no-build"], {
      env: { ...process.env, ...database.env, PORT: String(port), HOST: "127.0.0.1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.once("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, output };
  } finally {
    await database.drop();
  }
}

/** A server that answers every request with this body (a broken "identity provider"). */
async function serveBody(body: string, contentType = "application/json"): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { "content-type": contentType }).end(body));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

type AuditRow = { kind: string; actorId: string | null; detail: Record<string, unknown> | null };
async function auditOf(dashboard: Dashboard, token: string, kind: string): Promise<AuditRow[]> {
  const res = await api(dashboard, token, `/api/audit/export?format=ndjson&kind=${kind}`);
  expect(res.status).toBe(200);
  return String(res.body)
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AuditRow);
}

async function sessionRole(dashboard: Dashboard, cookie: string): Promise<string | undefined> {
  const res = await fetch(`${dashboard.url}/api/auth/session`, { headers: { cookie } });
  return ((await res.json()) as { user?: { role?: string } }).user?.role;
}

/** The session as the API judges it (its version against the database): 200 or 401. */
async function apiStatus(dashboard: Dashboard, cookie: string): Promise<number> {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}/api/approvals?status=pending`, { headers: { cookie } });
  await res.body?.cancel();
  return res.status;
}

type UserRow = { id: string; email: string; role: string; status: string; signInMethods: string[] };
async function usersOf(dashboard: Dashboard, token: string): Promise<UserRow[]> {
  return (await api(dashboard, token, "/api/users")).body.users as UserRow[];
}

describe("a misconfigured issuer fails the start with one clear line", () => {
  let idp: TestOidcProvider;
  const servers: Server[] = [];
  beforeAll(async () => {
    idp = await startOidcProvider({ dashboardUrl: "http://127.0.0.1:1" });
  });
  afterAll(async () => {
    await idp?.stop();
    for (const server of servers) server.close();
  });

  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    [
      "unreachable",
      async () => ({ AIRLOCK_OIDC_ISSUER: `http://127.0.0.1:${await freePort()}` }),
      /^airlock: AIRLOCK_OIDC_ISSUER http:\/\/127\.0\.0\.1:\d+: cannot reach the discovery document at http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration \(ECONNREFUSED\)$/m,
    ],
    [
      "a discovery document that is not JSON",
      async () => {
        const { url, server } = await serveBody("<html>login</html>", "text/html");
        servers.push(server);
        return { AIRLOCK_OIDC_ISSUER: url };
      },
      /^airlock: AIRLOCK_OIDC_ISSUER http:\/\/127\.0\.0\.1:\d+: the discovery document at \S+ is not JSON$/m,
    ],
    [
      "an invalid discovery document",
      async () => {
        const { url, server } = await serveBody(JSON.stringify({ issuer: "x", authorization_endpoint: "not a url" }));
        servers.push(server);
        return { AIRLOCK_OIDC_ISSUER: url };
      },
      /^airlock: AIRLOCK_OIDC_ISSUER http:\/\/127\.0\.0\.1:\d+: the discovery document at \S+ is invalid: document\.authorization_endpoint: /m,
    ],
    [
      "an issuer mismatch (the real provider, named by another spelling)",
      async () => ({ AIRLOCK_OIDC_ISSUER: idp.issuer.replace("127.0.0.1", "localhost") }),
      /^airlock: AIRLOCK_OIDC_ISSUER http:\/\/localhost:\d+: the discovery document names the issuer "http:\/\/127\.0\.0\.1:\d+": set AIRLOCK_OIDC_ISSUER to exactly that$/m,
    ],
    [
      "no client id",
      async () => ({ AIRLOCK_OIDC_ISSUER: idp.issuer, AIRLOCK_OIDC_CLIENT_ID: "" }),
      /^airlock: sign-in configuration: AIRLOCK_OIDC_CLIENT_ID: is required with AIRLOCK_OIDC_ISSUER$/m,
    ],
    [
      "a role map entry without a role",
      async () => ({ AIRLOCK_OIDC_ISSUER: idp.issuer, AIRLOCK_OIDC_ROLE_MAP: "airlock-admins" }),
      /^airlock: sign-in configuration: AIRLOCK_OIDC_ROLE_MAP\.0: "airlock-admins" is not <claim value>=admin\|reviewer\|auditor$/m,
    ],
  ];

  it.each(cases)("%s", async (_name, envOf, message) => {
    const env = { ...idp.env, AIRLOCK_OIDC_ROLE_MAP: ROLE_MAP, ...(await envOf()) };
    const { code, output } = await startFails(env);
    expect(code).toBe(1);
    expect(output).toMatch(message);
    expect(output).not.toContain("dashboard ready");
    // The secret never reaches the output.
    expect(output).not.toContain(idp.clientSecret);
  });
});

describe("single sign-on with passwords on", () => {
  let dashboard: Dashboard;
  let idp: TestOidcProvider;
  let adminToken: string;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startOidcProvider({
      dashboardUrl: `http://127.0.0.1:${port}`,
      accounts: [
        { login: "olga", email: "olga@example.com", name: "Olga", groups: ["staff", "airlock-reviewers", "airlock-admins"] },
        { login: "nobody", email: "nobody@example.com", groups: ["staff"] },
        { login: "rolf", email: "rolf@example.com", groups: ["airlock-reviewers"] },
        { login: "dora", email: "dora@example.com", groups: ["airlock-reviewers"] },
        { login: "mallory", email: "local@example.com", emailVerified: false, groups: ["airlock-admins"] },
        { login: "quiet", email: "local@example.com", emailVerified: null, groups: ["airlock-admins"] },
        { login: "lena", email: "local@example.com", emailVerified: true, groups: ["airlock-auditors"] },
      ],
    });
    dashboard = await startDashboard({ port, env: { ...idp.env, AIRLOCK_OIDC_ROLE_MAP: ROLE_MAP } });
    adminToken = dashboard.addUser("admin@example.com", "admin");
  });
  afterAll(async () => {
    await dashboard?.stop();
    await idp?.stop();
  });

  it("creates the user at the first sign-in with the highest mapped role, and audits it with method oidc", async () => {
    const { location, cookie } = await signInThroughOidcHttp(dashboard.url, "olga");
    expect(location).toBe(`${dashboard.url}/`);
    expect(cookie).not.toBeNull();
    expect(await sessionRole(dashboard, cookie!)).toBe("admin");
    expect(await apiStatus(dashboard, cookie!)).toBe(200);
    const olga = (await usersOf(dashboard, adminToken)).find((u) => u.email === "olga@example.com")!;
    expect(olga).toMatchObject({ role: "admin", status: "active", signInMethods: ["sso"] });
    const created = (await auditOf(dashboard, adminToken, "user_created")).filter((e) => e.detail?.email === "olga@example.com");
    expect(created).toEqual([expect.objectContaining({ actorId: olga.id, detail: expect.objectContaining({ role: "admin", by: "sso", issuer: idp.issuer }) })]);
    const signedIn = (await auditOf(dashboard, adminToken, "signed_in")).filter((e) => e.actorId === olga.id);
    expect(signedIn).toEqual([expect.objectContaining({ detail: expect.objectContaining({ method: "oidc", issuer: idp.issuer, address: "127.0.0.1" }) })]);
  });

  it("refuses a user in no mapped group: back to the sign-in page with the reason, no session, no user", async () => {
    const { location, cookie } = await signInThroughOidcHttp(dashboard.url, "nobody");
    expect(location).toBe(`${dashboard.url}/signin?error=sso_no_role`);
    expect(cookie).toBeNull();
    expect((await usersOf(dashboard, adminToken)).map((u) => u.email)).not.toContain("nobody@example.com");
    const failed = (await auditOf(dashboard, adminToken, "sign_in_failed")).filter((e) => e.detail?.reason === "sso_no_role");
    expect(failed).toHaveLength(1);
    expect(failed[0].detail).toMatchObject({ method: "oidc", issuer: idp.issuer });
    // The page names the reason.
    const page = await (await fetch(`${dashboard.url}/signin?error=sso_no_role`)).text();
    expect(page).toContain("in no group that has a role in Airlock");
  });

  it("re-evaluates the role at every sign-in: a change is audited and ends the sessions under the old role", async () => {
    const first = await signInThroughOidcHttp(dashboard.url, "rolf");
    expect(await sessionRole(dashboard, first.cookie!)).toBe("reviewer");
    idp.setAccount({ login: "rolf", email: "rolf@example.com", groups: ["airlock-auditors"] });
    const second = await signInThroughOidcHttp(dashboard.url, "rolf");
    expect(await sessionRole(dashboard, second.cookie!)).toBe("auditor");
    expect(await apiStatus(dashboard, second.cookie!)).toBe(200);
    expect(await apiStatus(dashboard, first.cookie!)).toBe(401);
    const rolf = (await usersOf(dashboard, adminToken)).find((u) => u.email === "rolf@example.com")!;
    expect(rolf.role).toBe("auditor");
    const changes = (await auditOf(dashboard, adminToken, "user_role_changed")).filter((e) => e.detail?.userId === rolf.id);
    expect(changes).toEqual([expect.objectContaining({ detail: expect.objectContaining({ from: "reviewer", to: "auditor", by: "sso" }) })]);
    // The same role again: no new change event, and the session stays.
    const third = await signInThroughOidcHttp(dashboard.url, "rolf");
    expect(await apiStatus(dashboard, second.cookie!)).toBe(200);
    expect(await apiStatus(dashboard, third.cookie!)).toBe(200);
    expect((await auditOf(dashboard, adminToken, "user_role_changed")).filter((e) => e.detail?.userId === rolf.id)).toHaveLength(1);
  });

  it("a disabled user's session ends at once and they cannot sign in again; re-enabled, they can", async () => {
    const { cookie } = await signInThroughOidcHttp(dashboard.url, "dora");
    expect(await apiStatus(dashboard, cookie!)).toBe(200);
    const dora = (await usersOf(dashboard, adminToken)).find((u) => u.email === "dora@example.com")!;
    expect((await api(dashboard, adminToken, `/api/users/${dora.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    expect(await apiStatus(dashboard, cookie!)).toBe(401);
    const again = await signInThroughOidcHttp(dashboard.url, "dora");
    expect(again).toEqual({ location: `${dashboard.url}/signin?error=sso_disabled`, cookie: null });
    expect((await api(dashboard, adminToken, `/api/users/${dora.id}`, { method: "PATCH", body: { disabled: false } })).status).toBe(200);
    const back = await signInThroughOidcHttp(dashboard.url, "dora");
    expect(await apiStatus(dashboard, back.cookie!)).toBe(200);
  });

  it("links an existing local user only by an email the IdP verified, and never a second IdP account to it", async () => {
    dashboard.addUser("local@example.com", "reviewer");
    const before = (await usersOf(dashboard, adminToken)).find((u) => u.email === "local@example.com")!;
    // Mallory's IdP account claims the address but the IdP says it is not verified; another says
    // nothing about it: both refused, nothing changed.
    expect(await signInThroughOidcHttp(dashboard.url, "mallory")).toEqual({ location: `${dashboard.url}/signin?error=sso_email_unverified`, cookie: null });
    expect(await signInThroughOidcHttp(dashboard.url, "quiet")).toEqual({ location: `${dashboard.url}/signin?error=sso_email_taken`, cookie: null });
    expect((await usersOf(dashboard, adminToken)).find((u) => u.email === "local@example.com")).toEqual(before);
    // Lena's is verified: linked to the same user, whose role now comes from her groups.
    const { cookie } = await signInThroughOidcHttp(dashboard.url, "lena");
    expect(await sessionRole(dashboard, cookie!)).toBe("auditor");
    const after = (await usersOf(dashboard, adminToken)).find((u) => u.email === "local@example.com")!;
    expect(after).toMatchObject({ id: before.id, role: "auditor", signInMethods: ["password", "sso"] });
    expect((await auditOf(dashboard, adminToken, "user_sso_linked")).filter((e) => e.detail?.userId === before.id)).toHaveLength(1);
    // Another verified IdP account with the same email cannot take the linked user over.
    idp.setAccount({ login: "lena-twin", email: "local@example.com", emailVerified: true, groups: ["airlock-admins"] });
    expect(await signInThroughOidcHttp(dashboard.url, "lena-twin")).toEqual({ location: `${dashboard.url}/signin?error=sso_email_taken`, cookie: null });
    // Her password still works too.
    expect(await signIn(dashboard, "local@example.com", "correct horse battery staple")).not.toBeNull();
  });
});

describe("password sign-in off", () => {
  let dashboard: Dashboard;
  let idp: TestOidcProvider;

  beforeAll(async () => {
    const port = await freePort();
    idp = await startOidcProvider({
      dashboardUrl: `http://127.0.0.1:${port}`,
      accounts: [{ login: "ada", email: "ada@example.com", groups: ["airlock-admins"] }],
    });
    dashboard = await startDashboard({ port, env: { ...idp.env, AIRLOCK_OIDC_ROLE_MAP: ROLE_MAP, AIRLOCK_PASSWORD_SIGNIN: "off" } });
  });
  afterAll(async () => {
    await dashboard?.stop();
    await idp?.stop();
  });

  it("registers no credentials provider: the endpoint signs nobody in, even with the right password", async () => {
    dashboard.addUser("pat@example.com", "admin", "correct horse battery staple");
    expect(await signIn(dashboard, "pat@example.com", "correct horse battery staple")).toBeNull();
    const providers = (await (await fetch(`${dashboard.url}/api/auth/providers`)).json()) as Record<string, { type: string }>;
    expect(Object.keys(providers)).toEqual(["oidc"]);
  });

  it("the first people come in through SSO (no setup page), and the sign-in page has no password field", async () => {
    const { location, cookie } = await signInThroughOidcHttp(dashboard.url, "ada");
    expect(location).toBe(`${dashboard.url}/`);
    expect(await sessionRole(dashboard, cookie!)).toBe("admin");
    const page = await fetch(`${dashboard.url}/signin`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sign in with Test IdP");
    expect(html).not.toContain('type="password"');
  });

  it.each([
    ["/api/setup", { email: "eve@example.com", password: "correct horse battery staple" }],
    ["/api/set-password", { token: "alk_set_whatever", password: "correct horse battery staple" }],
  ])("refuses the password-only path %s with 403 and says why", async (path, body) => {
    const res = await fetch(`${dashboard.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: {
        code: "forbidden",
        message: "password sign-in is turned off on this dashboard (AIRLOCK_PASSWORD_SIGNIN=off): people sign in with single sign-on",
      },
    });
  });

  it("refuses invitations and password resets (403), and the set-password page says passwords are off", async () => {
    const token = dashboard.cli("token", "create", "--email", "pat@example.com", "--name", "t");
    expect((await api(dashboard, token, "/api/users", { body: { email: "new@example.com", role: "reviewer" } })).status).toBe(403);
    const pat = (await usersOf(dashboard, token)).find((u) => u.email === "pat@example.com")!;
    expect((await api(dashboard, token, `/api/users/${pat.id}/reset-password`, { body: {} })).status).toBe(403);
    expect((await usersOf(dashboard, token)).map((u) => u.email)).not.toContain("new@example.com");
    expect(await (await fetch(`${dashboard.url}/set-password`)).text()).toContain("Passwords are turned off");
  });
});
