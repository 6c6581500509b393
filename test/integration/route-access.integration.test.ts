// Walks every API route with every kind of caller and checks the server's answer:
// allowed callers get the route's exact answer (never a 5xx), others get 401 or 403;
// every route that takes a body refuses anything but application/json with a 415.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT_DIR } from "../../lib/db/database-url";
import { type Dashboard, startDashboard } from "../helpers/dashboard";

type Caller = "anonymous" | "bridge" | "admin" | "reviewer" | "auditor";
const CALLERS: Caller[] = ["anonymous", "bridge", "admin", "reviewer", "auditor"];
const USERS: Caller[] = ["admin", "reviewer", "auditor"];

/**
 * Every route and method, who may call it, a body to send, and the exact status an
 * allowed caller gets with it ([id] is an id that does not exist). Missing routes fail the test below.
 */
const ACCESS: Record<string, { allowed: Caller[] | "public"; body?: unknown; status?: number }> = {
  "GET /api/approvals": { allowed: USERS, status: 200 },
  "GET /api/approvals/[id]": { allowed: USERS, status: 404 },
  "GET /api/approvals/[id]/receipt": { allowed: USERS, status: 404 },
  "GET /api/approvals/[id]/evidence": { allowed: USERS, status: 404 },
  "GET /api/compliance": { allowed: ["admin", "auditor"], status: 200 },
  "POST /api/approvals/[id]/decision": { allowed: ["admin", "reviewer"], body: { decision: "reject" }, status: 404 },
  "POST /api/approvals/[id]/review-link": { allowed: ["admin", "reviewer"], body: {}, status: 404 },
  "GET /api/me/delegation": { allowed: ["admin", "reviewer"], status: 200 },
  "PUT /api/me/delegation": { allowed: ["admin", "reviewer"], body: { delegateEmail: "nobody@example.com", until: "2999-01-01T00:00:00Z" }, status: 422 },
  "POST /api/review-links/decide": { allowed: ["admin", "reviewer"], body: { token: "x.y", decision: "approve" }, status: 403 },
  "POST /api/review-links/passkey/options": { allowed: "public", body: { token: "x.y" } },
  "POST /api/review-links/passkey/verify": { allowed: "public", body: { token: "x.y", response: {} } },
  "GET /api/me/passkeys": { allowed: ["admin", "reviewer"], status: 200 },
  "POST /api/me/passkeys": { allowed: ["admin", "reviewer"], body: { name: "phone", response: {} }, status: 422 },
  "POST /api/me/passkeys/options": { allowed: ["admin", "reviewer"], status: 200 },
  "DELETE /api/me/passkeys/[id]": { allowed: ["admin", "reviewer"], status: 404 },
  "GET /api/rules": { allowed: ["admin", "auditor"], status: 200 },
  "POST /api/rules": { allowed: ["admin"], body: { name: "", match: {}, action: "allow" }, status: 422 },
  "GET /api/bridges": { allowed: ["admin", "auditor"], status: 200 },
  "GET /api/rules/versions": { allowed: ["admin", "auditor"], status: 200 },
  "POST /api/rules/rollback": { allowed: ["admin"], body: { version: 999 }, status: 404 },
  "GET /api/policy": { allowed: ["admin", "auditor"], status: 200 },
  "PUT /api/policy": { allowed: ["admin"], body: { policy: { default: "deny", rules: [] }, dryRun: true }, status: 200 },
  "GET /api/audit/export": { allowed: USERS, status: 200 },
  "GET /api/audit/verify": { allowed: ["admin", "auditor"], status: 200 },
  "GET /api/audit/keys": { allowed: "public" },
  "GET /api/grants/jwks": { allowed: "public", status: 200 },
  "POST /api/policy/test": { allowed: ["admin", "auditor"], body: { call: { server: "fs", tool: "write_file" } }, status: 200 },
  "POST /api/policy/dry-run": { allowed: ["admin", "auditor"], body: { policy: { default: "deny", rules: [] }, limit: 10 }, status: 200 },
  "GET /api/bridge/policy": { allowed: ["bridge"], status: 200 },
  "POST /api/bridge/approvals": { allowed: ["bridge"], body: {}, status: 422 },
  "GET /api/bridge/approvals/[id]": { allowed: ["bridge"], status: 404 },
  "POST /api/bridge/approvals/[id]/result": { allowed: ["bridge"], body: { outcome: "withdrawn" }, status: 404 },
  "POST /api/bridge/approvals/withdraw": { allowed: ["bridge"], body: { idempotencyKey: "not-a-key-in-use" }, status: 404 },
  "POST /api/bridge/audit": { allowed: ["bridge"], body: { events: [] }, status: 422 },
  "POST /api/bridge/tools": { allowed: ["bridge"], body: { server: "s", tools: [] }, status: 200 },
  "POST /api/bridge/grant-keys": { allowed: ["bridge"], body: { jwk: {}, notAfter: "2999-01-01T00:00:00Z" }, status: 422 },
  "GET /api/bridge/secrets": { allowed: ["bridge"], status: 200 },
  "POST /api/bridge/resource": { allowed: ["bridge"], body: { resourceUrl: "not a url" }, status: 422 },
  "GET /api/secrets": { allowed: ["admin", "auditor"], status: 200 },
  "POST /api/secrets": { allowed: ["admin"], body: { upstream: "fs", kind: "env", name: "PATH", value: "/tmp" }, status: 422 },
  "DELETE /api/secrets/[id]": { allowed: ["admin"], status: 404 },
  "GET /api/groups": { allowed: ["admin"], status: 200 },
  "GET /api/server-admins": { allowed: ["admin"], status: 200 },
  "PUT /api/server-admins": { allowed: ["admin"], body: { email: "nobody@example.com", servers: [] }, status: 422 },
  "POST /api/groups": { allowed: ["admin"], body: { name: "Not Lower Case" }, status: 422 },
  "DELETE /api/groups/[id]": { allowed: ["admin"], status: 404 },
  "PUT /api/groups/[id]/members": { allowed: ["admin"], body: { members: [] }, status: 404 },
  "GET /api/tools": { allowed: ["admin", "auditor"], status: 200 },
  "GET /api/tools/[id]": { allowed: ["admin", "auditor"], status: 404 },
  "POST /api/tools/[id]/decision": { allowed: ["admin"], body: { action: "disable", definitionHash: "0".repeat(64) }, status: 404 },
  "PUT /api/tools/[id]/tags": { allowed: ["admin"], body: { sink: true }, status: 404 },
  "PATCH /api/bridges/[id]": { allowed: ["admin"], body: { newTools: "enabled" }, status: 404 },
  "GET /api/webhooks": { allowed: ["admin"], status: 200 },
  "POST /api/webhooks": { allowed: ["admin"], body: { url: "file:///etc/passwd" }, status: 422 },
  "PATCH /api/webhooks/[id]": { allowed: ["admin"], body: { enabled: false }, status: 404 },
  "DELETE /api/webhooks/[id]": { allowed: ["admin"], status: 404 },
  "POST /api/webhooks/[id]/rotate-secret": { allowed: ["admin"], status: 404 },
  "POST /api/webhooks/[id]/test": { allowed: ["admin"], status: 404 },
  "GET /api/webhooks/[id]/deliveries": { allowed: ["admin"], status: 404 },
  "POST /api/webhooks/deliveries/[id]/redeliver": { allowed: ["admin"], status: 404 },
  "GET /api/push/vapid-public-key": { allowed: ["admin", "reviewer"], status: 200 },
  "POST /api/push/subscriptions": { allowed: ["admin", "reviewer"], body: { endpoint: "ftp://push.example/x", keys: {} }, status: 422 },
  "DELETE /api/push/subscriptions": { allowed: ["admin", "reviewer"], body: { endpoint: "https://push.example/not-subscribed" }, status: 200 },
  "GET /api/me/notifications": { allowed: ["admin", "reviewer"], status: 200 },
  "PATCH /api/me/notifications": { allowed: ["admin", "reviewer"], body: { emailAlerts: "yes" }, status: 422 },
  "POST /api/bridges": { allowed: ["admin"], body: { name: "" }, status: 422 },
  "POST /api/bridges/[id]/revoke": { allowed: ["admin"], status: 404 },
  "POST /api/tools/bulk": { allowed: ["admin"], body: { action: "enable", tools: [{ id: "no-such-id", definitionHash: "0".repeat(64) }] }, status: 404 },
  "GET /api/rules/versions/diff": { allowed: ["admin", "auditor"], status: 422 },
  "GET /api/users": { allowed: ["admin"], status: 200 },
  "POST /api/users": { allowed: ["admin"], body: { email: "not an email", role: "reviewer" }, status: 422 },
  "PATCH /api/users/[id]": { allowed: ["admin"], body: { role: "reviewer" }, status: 404 },
  "POST /api/users/[id]/reset-password": { allowed: ["admin"], status: 404 },
  "GET /api/tokens": { allowed: USERS, status: 200 },
  "POST /api/tokens": { allowed: USERS, body: { name: "" }, status: 422 },
  "POST /api/tokens/[id]/revoke": { allowed: USERS, status: 404 },
  "POST /api/setup": { allowed: "public", body: {} },
  "POST /api/set-password": { allowed: "public", body: { token: "alk_set_nope", password: "a long enough password" } },
  "GET /api/health": { allowed: "public" },
  // The OAuth authorization server's endpoints are open by design (discovery, registration, the
  // token endpoint) and answer in RFC 6749's error shape; the consent post takes only a session
  // cookie, never a token. test/integration/bridge-oauth.integration.test.ts checks them.
  "GET /api/oauth/metadata": { allowed: "public" },
  "GET /api/oauth/jwks": { allowed: "public" },
  "POST /api/oauth/register": { allowed: "public" },
  "POST /api/oauth/token": { allowed: "public" },
  "POST /api/oauth/authorize": { allowed: "public" },
  "GET /api/auth/[...nextauth]": { allowed: "public" },
  "POST /api/auth/[...nextauth]": { allowed: "public" },
};

function discoverRoutes(): string[] {
  const routes: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === "route.ts") {
        const url = `/${relative(join(ROOT_DIR, "app"), dir)}`;
        const source = readFileSync(path, "utf8");
        for (const [, method] of source.matchAll(/export (?:const|async function) (GET|POST|PUT|PATCH|DELETE)\b/g)) routes.push(`${method} ${url}`);
        for (const [, names] of source.matchAll(/export \{([^}]+)\}/g)) {
          for (const [, method] of names.matchAll(/as (GET|POST|PUT|PATCH|DELETE)\b/g)) routes.push(`${method} ${url}`);
        }
      }
    }
  };
  walk(join(ROOT_DIR, "app", "api"));
  return routes.sort();
}

let dashboard: Dashboard;
const tokens: Partial<Record<Caller, string>> = {};

beforeAll(async () => {
  dashboard = await startDashboard();
  for (const role of USERS) tokens[role] = dashboard.addUser(`${role}@example.com`, role as "admin");
  tokens.bridge = dashboard.cli("bridge-token", "create", "--name", "walker");
});
afterAll(async () => dashboard?.stop());

describe("route access", () => {
  it("has an expectation for every route in app/api", () => {
    expect(discoverRoutes()).toEqual(Object.keys(ACCESS).sort());
  });

  for (const [route, { allowed, body }] of Object.entries(ACCESS)) {
    if (allowed === "public" || route.includes("nextauth")) continue;
    const [method, pattern] = route.split(" ");
    const path = pattern.replace("[id]", "no-such-id");
    for (const caller of CALLERS) {
      const isAllowed = allowed.includes(caller);
      it(`${route} as ${caller} → ${isAllowed ? "allowed" : "refused"}`, async () => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (caller !== "anonymous") headers.authorization = `Bearer ${tokens[caller]}`;
        const res = await fetch(`${dashboard.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        const text = await res.text();
        if (isAllowed) {
          expect(res.status).toBe(ACCESS[route].status);
        } else {
          expect(res.status).toBe(caller === "anonymous" || caller === "bridge" || allowed.includes("bridge") ? 401 : 403);
          expect(JSON.parse(text).error.code).toMatch(/unauthorized|forbidden/);
        }
      });
    }
  }

  for (const [route, { allowed, body }] of Object.entries(ACCESS)) {
    if (body === undefined) continue;
    const [method, pattern] = route.split(" ");
    const caller = allowed === "public" ? "anonymous" : allowed[0];
    it(`${route} refuses a body that is not application/json (415)`, async () => {
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (caller !== "anonymous") headers.authorization = `Bearer ${tokens[caller]}`;
      const res = await fetch(`${dashboard.url}${pattern.replace("[id]", "no-such-id")}`, { method, headers, body: JSON.stringify(body) });
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe("unsupported_media_type");
    });
  }
});
