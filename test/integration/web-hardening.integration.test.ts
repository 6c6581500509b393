// Web hardening against the real dashboard: security headers and CSP, JSON-only
// bodies, Origin checks for cookie writes and sockets, sessions that end on the
// server, per-address sign-in throttling, private data files, no-store API answers.
import { chmodSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterBlockingCalls, type Dashboard, startDashboard } from "../helpers/dashboard";
import { rawRequest, signInFrom } from "../helpers/raw-http";
import { createTestDatabase } from "../helpers/test-database";

const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let adminToken: string;
let bridgeToken: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  const database = await createTestDatabase();
  // Start from a data dir others may read, as an older install left it: the server must close it.
  chmodSync(database.env.AIRLOCK_DATA_DIR, 0o755);
  dashboard = await startDashboard({ database });
  adminToken = dashboard.addUser("ada@example.com", "admin", PASSWORD);
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "hardening");
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await dashboard?.stop();
});

const signIn = async (email: string, options: Parameters<typeof signInFrom>[3] = {}) => {
  await afterBlockingCalls();
  return signInFrom(dashboard.url, email, PASSWORD, options);
};

function connect(options: { cookie: string; origin?: string }): Promise<Socket> {
  const socket = io(dashboard.url, {
    transports: ["websocket"],
    reconnection: false,
    extraHeaders: { cookie: options.cookie, ...(options.origin ? { origin: options.origin } : {}) },
  });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

async function call(
  path: string,
  init: { method?: string; cookie?: string; token?: string; origin?: string; contentType?: string; body?: string; redirect?: "manual" } = {},
) {
  await afterBlockingCalls();
  const headers: Record<string, string> = {};
  if (init.cookie) headers.cookie = init.cookie;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.contentType) headers["content-type"] = init.contentType;
  if (init.origin) headers.origin = init.origin;
  const res = await rawRequest(`${dashboard.url}${path}`, { method: init.method ?? (init.body === undefined ? "GET" : "POST"), headers, body: init.body });
  let json: any = null;
  try {
    json = JSON.parse(res.body);
  } catch {
    // a page, or empty
  }
  return { ...res, json };
}

const DECISION = JSON.stringify({ decision: "reject" });

describe("security headers", () => {
  it("every page has a nonce CSP that Next's scripts carry, and the framing and sniffing headers", async () => {
    const first = await call("/signin");
    expect(first.status).toBe(200);
    const csp = String(first.headers["content-security-policy"]);
    const nonce = csp.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    for (const directive of ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", `connect-src 'self' ws://127.0.0.1:${dashboard.port}`]) {
      expect(csp).toContain(directive);
    }
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    expect(first.headers["x-frame-options"]).toBe("DENY");
    expect(first.headers["referrer-policy"]).toBe("same-origin");
    const scripts = [...first.body.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const second = await call("/signin");
    expect(String(second.headers["content-security-policy"])).not.toContain(nonce);
    // A signed-out visit to a dashboard page is a redirect, and it carries the policy too.
    const redirected = await call("/");
    expect(redirected.status).toBe(307);
    expect(redirected.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  it("every API answer is Cache-Control: no-store, errors included", async () => {
    const answers = [
      await call("/api/health"),
      await call("/api/approvals", { token: adminToken }),
      await call("/api/approvals"),
      await call("/api/bridge/policy", { token: bridgeToken }),
      await call("/api/auth/session"),
      await call("/api/rules", { token: adminToken, contentType: "text/plain", body: "{}" }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 401, 200, 200, 415]);
    for (const answer of answers) expect(answer.headers["cache-control"]).toContain("no-store");
  });
});

describe("JSON bodies only as application/json", () => {
  it.each([
    ["a user route, by token", "/api/rules", "admin", "text/plain"],
    ["a user route, form-encoded", "/api/policy/test", "admin", "application/x-www-form-urlencoded"],
    ["a bridge route", "/api/bridge/audit", "bridge", "text/plain"],
    ["a bridge route without any content type", "/api/bridge/tools", "bridge", ""],
    ["the setup route", "/api/setup", "anonymous", "text/plain;charset=UTF-8"],
  ])("%s: 415 with the JSON error shape", async (_, path, caller, contentType) => {
    const token = caller === "admin" ? adminToken : caller === "bridge" ? bridgeToken : undefined;
    const res = await call(path, { token, contentType: contentType || undefined, body: JSON.stringify({ events: [] }) });
    expect(res.status).toBe(415);
    expect(res.json).toEqual({ error: { code: "unsupported_media_type", message: expect.stringContaining("application/json") } });
  });

  it("the same body as application/json (with a charset) gets past the check to the schema", async () => {
    const res = await call("/api/bridge/audit", { token: bridgeToken, contentType: "application/json; charset=utf-8", body: JSON.stringify({ events: [] }) });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("invalid_input");
  });
});

describe("cross-origin writes with a cookie", () => {
  it.each([
    ["another site", "http://evil.example"],
    ["Origin: null (a sandboxed frame or a file: page)", "null"],
    ["an Origin that is not a URL", "not a url"],
    ["the same host name on another port", "http://127.0.0.1:1"],
  ])("%s → 403 JSON, never 500", async (_, origin) => {
    const cookie = (await signIn("rita@example.com"))!;
    const res = await call("/api/approvals/x/decision", { cookie, origin, contentType: "application/json", body: DECISION });
    expect(res.status).toBe(403);
    expect(res.json.error).toEqual({ code: "forbidden", message: "cross-origin request refused" });
  });

  it("a cross-site Sec-Fetch-Site without Origin → 403", async () => {
    const cookie = (await signIn("rita@example.com"))!;
    const res = await rawRequest(`${dashboard.url}/api/approvals/x/decision`, {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: DECISION,
    });
    expect(res.status).toBe(403);
  });

  it("our own origin gets through to the route (404 for an unknown request)", async () => {
    const cookie = (await signIn("rita@example.com"))!;
    const res = await call("/api/approvals/x/decision", { cookie, origin: dashboard.url, contentType: "application/json", body: DECISION });
    expect(res.status).toBe(404);
  });

  it("a bearer request is not judged by Origin (the token is never ambient)", async () => {
    const res = await call("/api/approvals/x/decision", { token: adminToken, origin: "null", contentType: "application/json", body: DECISION });
    expect(res.status).toBe(404);
  });

  it("setup refuses a foreign origin too (403, before it would say 409)", async () => {
    const body = JSON.stringify({ email: "x@example.com", password: "a long enough passphrase" });
    expect((await call("/api/setup", { origin: "null", contentType: "application/json", body })).status).toBe(403);
    expect((await call("/api/setup", { origin: dashboard.url, contentType: "application/json", body })).status).toBe(409);
  });

  it("the socket.io handshake refuses a cookie from a foreign or null Origin and takes our own", async () => {
    const cookie = (await signIn("rita@example.com"))!;
    await expect(connect({ cookie, origin: "http://evil.example" })).rejects.toThrow(/unauthorized/);
    await expect(connect({ cookie, origin: "null" })).rejects.toThrow(/unauthorized/);
    const socket = await connect({ cookie, origin: dashboard.url });
    expect(socket.connected).toBe(true);
    socket.close();
  });
});

describe("sessions end on the server", () => {
  async function signOut(cookie: string) {
    const csrf = await rawRequest(`${dashboard.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = JSON.parse(csrf.body);
    const csrfCookie = String(csrf.headers["set-cookie"] ?? "").split(";")[0];
    const res = await rawRequest(`${dashboard.url}/api/auth/signout`, {
      method: "POST",
      headers: { cookie: csrfCookie ? `${cookie}; ${csrfCookie}` : cookie, "content-type": "application/x-www-form-urlencoded", origin: dashboard.url },
      body: new URLSearchParams({ csrfToken, json: "true" }).toString(),
    });
    expect(res.status).toBe(200);
  }

  it("after sign-out the old cookie gets 401 on the API, a redirect on pages, and no socket", async () => {
    const cookie = (await signIn("rita@example.com"))!;
    expect((await call("/api/approvals", { cookie })).status).toBe(200);
    expect((await call("/", { cookie })).status).toBe(200);
    const open = await connect({ cookie });
    const closed = new Promise<string>((resolve) => open.once("disconnect", resolve));

    await signOut(cookie);

    expect(await closed).toBe("io server disconnect");
    const api = await call("/api/approvals", { cookie });
    expect(api.status).toBe(401);
    expect(api.json.error.code).toBe("unauthorized");
    const page = await call("/", { cookie });
    expect(page.status).toBe(307);
    expect(page.headers.location).toMatch(/^\/signin\?callbackUrl=/);
    await expect(connect({ cookie })).rejects.toThrow(/unauthorized/);
    // Signing in again works: only the old session ended.
    const fresh = (await signIn("rita@example.com"))!;
    expect((await call("/api/approvals", { cookie: fresh })).status).toBe(200);
  });

  it("disabling a user ends their sessions, and re-enabling does not revive them", async () => {
    dashboard.addUser("dora@example.com", "reviewer", PASSWORD);
    const cookie = (await signIn("dora@example.com"))!;
    expect((await call("/api/approvals", { cookie })).status).toBe(200);
    dashboard.cli("user", "disable", "--email", "dora@example.com");
    expect((await call("/api/approvals", { cookie })).status).toBe(401);
    dashboard.cli("user", "enable", "--email", "dora@example.com");
    expect((await call("/api/approvals", { cookie })).status).toBe(401);
    await expect(connect({ cookie })).rejects.toThrow(/unauthorized/);
    expect(await signIn("dora@example.com")).not.toBeNull();
  });

  it("changing a user's role ends their sessions", async () => {
    dashboard.addUser("rory@example.com", "reviewer", PASSWORD);
    const cookie = (await signIn("rory@example.com"))!;
    expect((await call("/api/approvals", { cookie })).status).toBe(200);
    dashboard.cli("user", "role", "--email", "rory@example.com", "--role", "auditor");
    expect((await call("/api/approvals", { cookie })).status).toBe(401);
    const fresh = (await signIn("rory@example.com"))!;
    expect((await call("/api/rules", { cookie: fresh })).status).toBe(200);
  });
});

describe("sign-in throttling", () => {
  it("an attacker's failures from one address do not stop the owner signing in from another", async () => {
    dashboard.addUser("owner@example.com", "admin", PASSWORD);
    await afterBlockingCalls();
    const attacker = { localAddress: "127.0.0.2" };
    for (let i = 0; i < 12; i++) {
      // A forged X-Forwarded-For changes nothing: no trusted proxy is configured, so the socket decides.
      const cookie = await signInFrom(dashboard.url, "owner@example.com", `wrong guess ${i}`, {
        ...attacker,
        headers: { "x-forwarded-for": `198.51.100.${i}` },
      });
      expect(cookie).toBeNull();
    }
    // From the attacker's address even the right password now waits out the backoff…
    expect(await signInFrom(dashboard.url, "owner@example.com", PASSWORD, { ...attacker, headers: { "x-forwarded-for": "198.51.100.200" } })).toBeNull();
    // …while the owner, from their own address, signs in at once.
    const owner = await signInFrom(dashboard.url, "owner@example.com", PASSWORD, { localAddress: "127.0.0.1" });
    expect(owner).not.toBeNull();
    expect((await call("/api/approvals", { cookie: owner! })).status).toBe(200);
  });

  it("the client address header cannot be forged by the client", async () => {
    const spoof = { localAddress: "127.0.0.3", headers: { "x-airlock-client-address": "10.9.9.9" } };
    for (let i = 0; i < 12; i++) expect(await signInFrom(dashboard.url, "ada@example.com", `nope ${i}`, spoof)).toBeNull();
    // Had the forged header counted, 127.0.0.3 would still be clean; it is the one delayed.
    expect(await signInFrom(dashboard.url, "ada@example.com", PASSWORD, { localAddress: "127.0.0.3" })).toBeNull();
    expect(
      await signInFrom(dashboard.url, "ada@example.com", PASSWORD, { localAddress: "127.0.0.4", headers: { "x-airlock-client-address": "127.0.0.3" } }),
    ).not.toBeNull();
  });
});

describe("data files", () => {
  it("the data dir is 0700 and the secret and the SQLite files are 0600", async () => {
    const dir = dashboard.database.env.AIRLOCK_DATA_DIR;
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, "auth-secret"))).toBe(0o600);
    if (dashboard.database.provider === "sqlite") {
      const db = join(dir, "airlock.db");
      expect(mode(db)).toBe(0o600);
      // The dashboard writes in WAL mode: the log and its index exist while it runs.
      for (const companion of [`${db}-wal`, `${db}-shm`]) {
        expect(existsSync(companion)).toBe(true);
        expect(mode(companion)).toBe(0o600);
      }
    }
  });
});
