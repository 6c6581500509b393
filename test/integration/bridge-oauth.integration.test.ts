// The remote bridge as an OAuth-protected MCP server, the dashboard as its authorization
// server, end to end with real parts: the built dashboard, two real `airlock-bridge --http
// --auth oauth` processes with a real upstream, and the MCP SDK's own client OAuth flow
// (discovery, dynamic client registration, PKCE, code exchange, refresh). The test plays the
// user: it signs in to the dashboard with a password and approves on the consent page.

import { spawnSync } from "node:child_process";
import { createHash, generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { join } from "node:path";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpBridge, startHttpBridge, textOf, writePolicyFile } from "../helpers/bridge-client";
import { afterBlockingCalls, api, BRIDGE_BIN, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";
import { connectWithOAuth, InMemoryOAuthClient } from "../helpers/oauth-client";
import { signIn } from "../helpers/session";

const ECHO_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "echo-server.ts")}`;
const PASSWORD = "correct horse battery staple";
const REDIRECT_URI = "http://127.0.0.1:47611/callback";
const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
};
const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

let dashboard: Dashboard;
let admin: string;
let ralph: string;
let rita: string;
let signingKey: KeyObject;
let bridgeA: HttpBridge;
let bridgeB: HttpBridge;
const cookies = new Map<string, string>();

/** The consent page's hidden fields, as a browser would post them back. */
function formFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)) {
    fields[match[1]] = match[2].replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#x27;", "'");
  }
  return fields;
}

/** The user's part of the flow, over HTTP: open the authorization URL signed in, press Approve (or Deny), read where the dashboard sends the browser. */
async function consent(authorizationUrl: string, email: string, decision: "approve" | "deny" = "approve"): Promise<URL> {
  await afterBlockingCalls();
  const cookie = cookies.get(email)!;
  const page = await fetch(authorizationUrl, { headers: { cookie }, redirect: "manual" });
  expect(page.status).toBe(200);
  const html = await page.text();
  const fields = formFields(html);
  expect(fields.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const answer = await fetch(`${dashboard.url}/api/oauth/authorize`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, origin: dashboard.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, decision }),
  });
  expect(answer.status).toBe(303);
  return new URL(answer.headers.get("location")!);
}

/** The SDK's client side of OAuth for one user; its "browser" is {@link consent}. */
function oauthClientFor(email: string): InMemoryOAuthClient {
  return new InMemoryOAuthClient({ redirectUri: REDIRECT_URI, clientName: "OAuth test agent", authorize: (url) => consent(url.toString(), email) });
}

/** A token as the dashboard would sign it, with any claims changed: what a forger or a confused deputy would present. */
async function mintToken(
  overrides: { aud?: string; exp?: number; key?: KeyObject; sub?: string; email?: string; typ?: string; scope?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: overrides.email ?? "rita@example.com", client_id: "alk_cli_test", scope: overrides.scope ?? "mcp" })
    .setProtectedHeader({ alg: "EdDSA", typ: overrides.typ ?? "at+jwt" })
    .setIssuer(dashboard.url)
    .setSubject(overrides.sub ?? "user-rita")
    .setAudience(overrides.aud ?? bridgeA.url)
    .setIssuedAt(now - 60)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(overrides.key ?? signingKey);
}

async function initializeWith(url: string, token?: string, sessionId?: string) {
  await afterBlockingCalls();
  const res = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(sessionId ? { "mcp-session-id": sessionId } : {}) },
    body: JSON.stringify(sessionId ? { jsonrpc: "2.0", id: 2, method: "tools/list", params: {} } : INITIALIZE),
  });
  return { status: res.status, challenge: res.headers.get("www-authenticate"), sessionId: res.headers.get("mcp-session-id"), text: await res.text() };
}

async function token(params: Record<string, string>) {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}/api/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** A registration, a consent and a code, by hand (no SDK), for the token endpoint's error cases. */
async function manualCode(email: string) {
  const registered = await fetch(`${dashboard.url}/api/oauth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_name: "manual", redirect_uris: [REDIRECT_URI] }),
  });
  expect(registered.status).toBe(201);
  const { client_id: clientId } = (await registered.json()) as { client_id: string };
  const verifier = randomBytes(32).toString("base64url");
  const url = new URL(`${dashboard.url}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: "code",
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    resource: bridgeA.url,
    state: "st-1",
  })) {
    url.searchParams.set(k, v);
  }
  const back = await consent(url.toString(), email);
  expect(back.searchParams.get("state")).toBe("st-1");
  expect(back.searchParams.get("iss")).toBe(dashboard.url);
  return { clientId, verifier, code: back.searchParams.get("code")!, authorizationUrl: url };
}

beforeAll(async () => {
  const pair = generateKeyPairSync("ed25519");
  signingKey = pair.privateKey;
  dashboard = await startDashboard({ env: { AIRLOCK_OAUTH_SIGNING_KEY: pair.privateKey.export({ format: "pem", type: "pkcs8" }).toString() } });
  admin = dashboard.addUser("admin@example.com", "admin");
  rita = dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  ralph = dashboard.addUser("ralph@example.com", "reviewer", PASSWORD);
  dashboard.addUser("dora@example.com", "reviewer", PASSWORD);
  for (const rule of [
    {
      name: "no secrets for rita",
      match: { tool: "echo" },
      when: 'principal == "rita@example.com" && args.text == "secret"',
      action: "deny",
      message: "not for rita",
    },
    { name: "hold stamps", match: { tool: "stamp" }, action: "require_approval", timeoutSeconds: 60 },
    { name: "let the rest through", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
  const tokenA = dashboard.cli("bridge-token", "create", "--name", "remote-a", "--new-tools", "enabled");
  const tokenB = dashboard.cli("bridge-token", "create", "--name", "remote-b", "--new-tools", "enabled");
  for (const email of ["rita@example.com", "ralph@example.com", "dora@example.com"]) cookies.set(email, (await signIn(dashboard, email, PASSWORD))!);
  [bridgeA, bridgeB] = await Promise.all(
    [tokenA, tokenB].map((t) => startHttpBridge({ upstreams: [ECHO_SERVER], dashboardUrl: dashboard.url, token: t, extraArgs: ["--auth", "oauth"] })),
  );
}, 120_000);

afterAll(async () => {
  await Promise.all([bridgeA?.stop(), bridgeB?.stop()]);
  await dashboard?.stop();
});

describe("discovery", () => {
  it("the bridge serves RFC 9728 metadata naming the dashboard, and the dashboard RFC 8414 metadata", async () => {
    const expected = {
      resource: bridgeA.url,
      authorization_servers: [dashboard.url],
      bearer_methods_supported: ["header"],
      scopes_supported: ["mcp"],
      resource_name: "Airlock bridge",
    };
    const origin = new URL(bridgeA.url).origin;
    for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
    const as = await fetch(`${dashboard.url}/.well-known/oauth-authorization-server`);
    expect(as.status).toBe(200);
    expect(await as.json()).toEqual({
      issuer: dashboard.url,
      authorization_endpoint: `${dashboard.url}/oauth/authorize`,
      token_endpoint: `${dashboard.url}/api/oauth/token`,
      registration_endpoint: `${dashboard.url}/api/oauth/register`,
      jwks_uri: `${dashboard.url}/api/oauth/jwks`,
      scopes_supported: ["mcp"],
      response_types_supported: ["code"],
      response_modes_supported: ["query"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      token_endpoint_auth_methods_supported: ["none"],
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
    });
    const jwks = (await (await fetch(`${dashboard.url}/api/oauth/jwks`)).json()) as { keys: { x: string; alg: string }[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", x: signingKey.export({ format: "jwk" }).x });
  });

  it("a request without a token gets 401 and the header that points to the metadata", async () => {
    const answer = await initializeWith(bridgeA.url);
    expect(answer.status).toBe(401);
    const origin = new URL(bridgeA.url).origin;
    expect(answer.challenge).toBe(`Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp"`);
    expect(answer.sessionId).toBeNull();
  });
});

describe("the MCP SDK's OAuth flow", () => {
  it("registers, signs the user in, and the bridge knows the caller as that user (not what _meta claims)", async () => {
    const provider = oauthClientFor("rita@example.com");
    const client = await connectWithOAuth(bridgeA.url, provider);
    expect(provider.code).toMatch(/^alk_oac_/);
    try {
      // Dynamic registration happened through the SDK, and the authorization asked for this bridge with S256.
      expect(provider.info?.client_id).toMatch(/^alk_cli_/);
      expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(bridgeA.url);
      expect(provider.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
      expect(provider.saved).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "mcp" });
      expect(provider.saved?.refresh_token).toMatch(/^alk_ort_/);

      const names = (await client.listTools()).tools.map((t) => t.name).sort();
      expect(names).toEqual(["echo", "stamp"]);
      // The principal rule applies to the token's user, whoever _meta names.
      const denied = await client.callTool({ name: "echo", arguments: { text: "secret" }, _meta: { "airlock/user": "ralph@example.com" } });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toBe("Airlock: not for rita");
      const allowed = await client.callTool({ name: "echo", arguments: { text: "hello" }, _meta: { "airlock/user": "ralph@example.com" } });
      expect(allowed.isError).toBeFalsy();
      expect(textOf(allowed)).toBe("hello");

      // Held: reviewers see rita as the principal; rita may not approve her own call, ralph may.
      const held = client.callTool({ name: "stamp", arguments: { note: "n1" }, _meta: { "airlock/user": "ralph@example.com" } });
      const pending = await waitFor(async () => {
        const { body } = await api(dashboard, ralph, "/api/approvals?status=pending");
        return body.items.find((a: { tool: string }) => a.tool === "stamp");
      });
      expect(pending.principal).toBe("rita@example.com");
      expect(pending.principalVerified).toBe(true);
      const own = await api(dashboard, rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
      expect(own.status).toBe(403);
      expect(own.body.error).toEqual({ code: "forbidden", message: "you cannot decide a request made on your own behalf" });
      expect((await api(dashboard, ralph, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(200);
      const result = await held;
      expect(result.isError).toBeFalsy();

      // The bridge's events of every call of the session name rita (the dashboard's "executed" event refers to the request, which names her).
      const events = await waitFor(async () => {
        const { body } = await api(dashboard, admin, "/api/audit/export?format=json&limit=1000");
        const mine = (body.events as { kind: string; principal?: string; bridge?: string }[]).filter(
          (e) => e.bridge === "remote-a" && ["allowed", "denied", "held"].includes(e.kind),
        );
        return mine.length >= 3 ? mine : undefined;
      });
      expect(events.map((e) => [e.kind, e.principal]).sort()).toEqual([
        ["allowed", "rita@example.com"],
        ["denied", "rita@example.com"],
        ["held", "rita@example.com"],
      ]);
    } finally {
      await client.close();
    }
  });

  it("refreshes with a rotating refresh token; a spent one presented again revokes the grant", async () => {
    const provider = oauthClientFor("dora@example.com");
    const client = await connectWithOAuth(bridgeA.url, provider);
    expect(provider.code).toMatch(/^alk_oac_/);
    await client.close();
    const clientId = provider.info!.client_id;
    const first = provider.saved!.refresh_token!;
    const rotated = await token({ grant_type: "refresh_token", refresh_token: first, client_id: clientId, resource: bridgeA.url });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first);
    expect((await initializeWith(bridgeA.url, rotated.body.access_token)).status).toBe(200);

    const replay = await token({ grant_type: "refresh_token", refresh_token: first, client_id: clientId });
    expect(replay).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "the refresh token is invalid, expired, revoked or already used" },
    });
    // The replay ended the whole family: the newest refresh token is dead too.
    const after = await token({ grant_type: "refresh_token", refresh_token: rotated.body.refresh_token, client_id: clientId });
    expect(after.body.error).toBe("invalid_grant");
  });
});

describe("refused tokens", () => {
  it.each([
    ["expired", () => mintToken({ exp: Math.floor(Date.now() / 1000) - 5 }), "the token has expired"],
    ["for another bridge", () => mintToken({ aud: bridgeB.url }), "the token's aud claim is not accepted here"],
    ["signed by another key", () => mintToken({ key: generateKeyPairSync("ed25519").privateKey }), "the token's signature does not verify"],
    ["not an access token (typ)", () => mintToken({ typ: "JWT" }), "the token's typ claim is not accepted here"],
    [
      "unsigned (alg none)",
      async () => {
        const encode = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        const now = Math.floor(Date.now() / 1000);
        return `${encode({ alg: "none", typ: "at+jwt" })}.${encode({ iss: dashboard.url, aud: bridgeA.url, sub: "u", email: "rita@example.com", scope: "mcp", exp: now + 600 })}.`;
      },
      "the token's algorithm is not accepted",
    ],
  ])("%s → 401 invalid_token", async (_name, make, description) => {
    const answer = await initializeWith(bridgeA.url, await make());
    expect(answer.status).toBe(401);
    const origin = new URL(bridgeA.url).origin;
    expect(answer.challenge).toBe(
      `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="mcp", error="invalid_token", error_description="${description}"`,
    );
    expect(answer.sessionId).toBeNull();
  });

  it("a token without the mcp scope → 403 insufficient_scope", async () => {
    const answer = await initializeWith(bridgeA.url, await mintToken({ scope: "other" }));
    expect(answer.status).toBe(403);
    expect(answer.challenge).toContain('error="insufficient_scope"');
  });

  it("a token for bridge B works at B and not at A", async () => {
    const forB = await mintToken({ aud: bridgeB.url });
    expect((await initializeWith(bridgeB.url, forB)).status).toBe(200);
    expect((await initializeWith(bridgeA.url, forB)).status).toBe(401);
  });

  it("a session belongs to the user who opened it: another user's token cannot use its id", async () => {
    const opened = await initializeWith(bridgeA.url, await mintToken({ sub: "user-rita", email: "rita@example.com" }));
    expect(opened.status).toBe(200);
    const other = await initializeWith(bridgeA.url, await mintToken({ sub: "user-ralph", email: "ralph@example.com" }), opened.sessionId!);
    expect(other.status).toBe(403);
    expect(JSON.parse(other.text).error.message).toBe("forbidden: this MCP session belongs to another user");
    const same = await initializeWith(bridgeA.url, await mintToken({ sub: "user-rita", email: "rita@example.com" }), opened.sessionId!);
    expect(same.status).toBe(200);
  });
});

describe("the token endpoint", () => {
  it("a code works once; replayed, it is refused and what it was exchanged for is revoked", async () => {
    const { clientId, verifier, code } = await manualCode("dora@example.com");
    const exchange = {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: clientId,
      redirect_uri: REDIRECT_URI,
      resource: bridgeA.url,
    };
    const first = await token(exchange);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: "Bearer", expires_in: 600, scope: "mcp" });
    const replay = await token(exchange);
    expect(replay).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "the authorization code is invalid, expired or already used" } });
    expect((await token({ grant_type: "refresh_token", refresh_token: first.body.refresh_token, client_id: clientId })).body.error).toBe("invalid_grant");
  });

  it("a wrong PKCE verifier is refused, and burns the code", async () => {
    const { clientId, verifier, code } = await manualCode("dora@example.com");
    const base = { grant_type: "authorization_code", code, client_id: clientId, redirect_uri: REDIRECT_URI };
    const wrong = await token({ ...base, code_verifier: randomBytes(32).toString("base64url") });
    expect(wrong).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "code_verifier does not match the code challenge" } });
    expect((await token({ ...base, code_verifier: verifier })).body.error).toBe("invalid_grant");
  });

  it.each([
    [{ grant_type: "password", client_id: "x" }, 400, "unsupported_grant_type"],
    [{ grant_type: "authorization_code", code: "c", redirect_uri: REDIRECT_URI, code_verifier: "a".repeat(43) }, 401, "invalid_client"],
    [{ grant_type: "authorization_code", code: "c", redirect_uri: REDIRECT_URI, code_verifier: "short", client_id: "x" }, 400, "invalid_request"],
    [{ grant_type: "refresh_token", refresh_token: "alk_ort_nope", client_id: "alk_cli_unknown" }, 401, "invalid_client"],
  ])("%j → %i %s", async (params, status, error) => {
    const answer = await token(params as Record<string, string>);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(error);
  });

  it("a disabled user's refresh is refused", async () => {
    dashboard.addUser("gone@example.com", "reviewer", PASSWORD);
    cookies.set("gone@example.com", (await signIn(dashboard, "gone@example.com", PASSWORD))!);
    const { clientId, verifier, code } = await manualCode("gone@example.com");
    const first = await token({ grant_type: "authorization_code", code, code_verifier: verifier, client_id: clientId, redirect_uri: REDIRECT_URI });
    expect(first.status).toBe(200);
    dashboard.cli("user", "disable", "--email", "gone@example.com");
    const refused = await token({ grant_type: "refresh_token", refresh_token: first.body.refresh_token, client_id: clientId });
    expect(refused).toEqual({ status: 400, body: { error: "invalid_grant", error_description: "the user of this grant is disabled" } });
  });
});

describe("registration and consent", () => {
  it.each([
    [{ redirect_uris: ["http://evil.example/cb"] }, "invalid_redirect_uri"],
    [{ redirect_uris: ["https://app.example/cb#frag"] }, "invalid_redirect_uri"],
    [{ redirect_uris: [] }, "invalid_redirect_uri"],
    [{ redirect_uris: [REDIRECT_URI], grant_types: ["client_credentials"] }, "invalid_client_metadata"],
  ])("registering %j → 400 %s", async (body, error) => {
    const res = await fetch(`${dashboard.url}/api/oauth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(error);
  });

  it("sends a signed-out user to sign in and back; refuses an unknown bridge; a forged consent post changes nothing", async () => {
    const { authorizationUrl } = await manualCode("dora@example.com");
    const signedOut = await fetch(authorizationUrl, { redirect: "manual" });
    expect(signedOut.status).toBe(307);
    const signin = new URL(signedOut.headers.get("location")!, dashboard.url);
    expect(signin.pathname).toBe("/signin");
    expect(signin.searchParams.get("callbackUrl")).toBe(`${authorizationUrl.pathname}${authorizationUrl.search}`);

    const unknown = new URL(authorizationUrl);
    unknown.searchParams.set("resource", "http://127.0.0.1:1/mcp");
    const refused = await fetch(unknown, { headers: { cookie: cookies.get("dora@example.com")! }, redirect: "manual" });
    expect(refused.status).toBe(307);
    const back = new URL(refused.headers.get("location")!);
    expect(back.searchParams.get("error")).toBe("invalid_target");
    expect(back.searchParams.get("code")).toBeNull();

    // From another site, or without the page's token: no code.
    const fields = Object.fromEntries(authorizationUrl.searchParams);
    const foreign = await fetch(`${dashboard.url}/api/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookies.get("dora@example.com")!, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, decision: "approve", csrf: "x".repeat(43) }),
    });
    expect(foreign.status).toBe(403);
    const tokenless = await fetch(`${dashboard.url}/api/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: cookies.get("dora@example.com")!, origin: dashboard.url, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...fields, decision: "approve", csrf: "x".repeat(43) }),
    });
    expect(tokenless.status).toBe(403);
    expect(((await tokenless.json()) as { error: string }).error).toBe("access_denied");
  });

  it("Deny sends the client access_denied and no code", async () => {
    const { authorizationUrl } = await manualCode("dora@example.com");
    const back = await consent(authorizationUrl.toString(), "dora@example.com", "deny");
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("code")).toBeNull();
  });
});

describe("starting the bridge", () => {
  it("refuses to serve a non-loopback address without authentication", () => {
    const policy = writePolicyFile({ default: "allow", rules: [] });
    const result = spawnSync(process.execPath, [BRIDGE_BIN, "--http", "0.0.0.0:0", "--policy", policy, "--upstream", ECHO_SERVER], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--http: refusing to serve on 0.0.0.0 without authentication");
  });
});
