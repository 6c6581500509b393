// Per-call grants end to end with real parts: the built dashboard (which publishes the
// bridges' keys at /.well-known/jwks.json), the real bridge with a bridge token, and
// upstream MCP servers, over Streamable HTTP and over stdio, that check every call's
// grant with the documented verifier (test/servers/grant-checking-server.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, generateKeyPairSync } from "node:crypto";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicJwkOf } from "../../lib/grants/mint-grant";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, freePort, startDashboard, waitFor } from "../helpers/dashboard";

const SERVER = join(import.meta.dirname, "..", "servers", "grant-checking-server.ts");

let dashboard: Dashboard;
let alice: string;
let bridgeToken: string;
let notesUrl: string;
let blindUrl: string;
const children: ChildProcess[] = [];

/** Starts a grant-checking server over HTTP; resolves with its /mcp URL. */
function startHttpUpstream(jwks: string, audience: (port: number) => string): Promise<string> {
  return freePort().then(
    (port) =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", SERVER, "--http", String(port), "--jwks", jwks, "--issuer", dashboard.url, "--audience", audience(port), "--tolerance", "1"],
          { stdio: ["ignore", "ignore", "pipe"] },
        );
        children.push(child);
        let stderr = "";
        child.stderr!.on("data", (chunk) => {
          stderr += chunk;
          const match = stderr.match(/listening on (http:\/\/\S+\/mcp)/);
          if (match) resolve(match[1]);
        });
        child.once("exit", (code) => reject(new Error(`grant-checking server exited with ${code}: ${stderr}`)));
      }),
  );
}

const stdioUpstream = () =>
  `local=${process.execPath} --import tsx ${SERVER} --jwks ${dashboard.url}/.well-known/jwks.json --issuer ${dashboard.url} --audience local`;

type Accepted = { result: string; claims: Record<string, any>; kid: string; token: string; via: string; credential?: string };
/** An accepted call's answer from the grant-checking server (the test fails with the refusal otherwise). */
function accepted(result: unknown): Accepted {
  // The first content item is the server's answer (a note from Airlock, e.g. on an edited approval, may follow).
  const text = (result as { content: { text: string }[] }).content[0].text;
  expect(text).not.toMatch(/^refused|^Airlock/);
  return JSON.parse(text) as Accepted;
}

/** Calls the HTTP upstream directly, as an attacker with a captured token (or none) would: no bridge in between. */
async function callDirectly(token: string | undefined, name: string, args: Record<string, unknown>): Promise<string> {
  const client = new Client({ name: "replayer", version: "1" });
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  await client.connect(new StreamableHTTPClientTransport(new URL(notesUrl), { requestInit: { headers } }));
  try {
    return textOf(await client.callTool({ name, arguments: args }));
  } finally {
    await client.close();
  }
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const partsOf = (token: string) => token.split(".");

beforeAll(async () => {
  dashboard = await startDashboard();
  const admin = dashboard.addUser("admin@example.com", "admin");
  alice = dashboard.addUser("alice@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "grants-laptop", "--new-tools", "enabled");
  for (const rule of [
    { name: "hold publishing", match: { tool: "*publish_note" }, action: "require_approval", timeoutSeconds: 60 },
    { name: "let the rest through", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
  notesUrl = await startHttpUpstream(`${dashboard.url}/.well-known/jwks.json`, (port) => `http://127.0.0.1:${port}/mcp`);
  // A server whose key-set URL answers nothing: it cannot check any grant.
  blindUrl = await startHttpUpstream(`http://127.0.0.1:${await freePort()}/.well-known/jwks.json`, (port) => `http://127.0.0.1:${port}/mcp`);
});

afterAll(async () => {
  for (const child of children) child.kill();
  await dashboard?.stop();
});

describe("grants checked by the upstreams", () => {
  it("each forwarded call carries a grant the upstream accepts; a captured one is refused when replayed, for another tool, other arguments, unsigned, or elsewhere", async () => {
    const bridge = await connectThroughBridge({
      upstreams: [`notes=${notesUrl}`, stdioUpstream(), `blind=${blindUrl}`],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
    });
    try {
      const http = accepted(
        await bridge.client.callTool({ name: "notes__write_note", arguments: { text: "hello" }, _meta: { "airlock/user": "Rita@Example.com" } }),
      );
      expect(http.result).toBe("wrote hello");
      expect(http.via).toBe("authorization");
      expect(http.claims).toMatchObject({ iss: dashboard.url, sub: "rita@example.com", aud: notesUrl, scope: "tool:write_note" });
      expect(http.claims.exp - http.claims.iat).toBe(60);
      expect(http.claims.airlock_approval).toBeUndefined();
      const stdio = accepted(await bridge.client.callTool({ name: "local__write_note", arguments: { text: "over stdio" } }));
      expect(stdio.result).toBe("wrote over stdio");
      expect(stdio.claims).toMatchObject({ aud: "local", scope: "tool:write_note" });
      expect(stdio.claims.sub).toBeUndefined();

      // The key that signed them is the one the dashboard publishes, and nothing private is.
      const jwks = await (await fetch(`${dashboard.url}/.well-known/jwks.json`)).json();
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(http.kid);
      expect(jwks.keys.every((k: object) => Object.keys(k).sort().join() === "alg,crv,kid,kty,use,x")).toBe(true);

      const [header, payload, signature] = partsOf(http.token);
      expect(await callDirectly(http.token, "write_note", { text: "hello" })).toBe("refused: replayed");
      expect(await callDirectly(http.token, "delete_notes", { confirm: true })).toBe("refused: wrong_tool");
      expect(await callDirectly(http.token, "write_note", { text: "something else" })).toBe("refused: wrong_arguments");
      expect(await callDirectly(`${b64({ alg: "none", typ: "airlock-grant+jwt" })}.${payload}.`, "write_note", { text: "hello" })).toBe("refused: invalid");
      expect(
        await callDirectly(
          `${header}.${b64({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), jti: "a-fresh-id-0000000" })}.${signature}`,
          "write_note",
          { text: "hello" },
        ),
      ).toBe("refused: invalid");
      // The stdio server's grant names another audience.
      expect(await callDirectly(stdio.token, "write_note", { text: "over stdio" })).toBe("refused: wrong_audience");
      expect(await callDirectly(undefined, "write_note", { text: "hello" })).toBe("refused: missing");

      // A server that cannot fetch the keys refuses everything.
      expect(textOf(await bridge.client.callTool({ name: "blind__write_note", arguments: { text: "hello" } }))).toBe("refused: keys_unavailable");
    } finally {
      await bridge.close();
    }
  });

  it("leaves Authorization to an upstream's own credential: the grant then travels in X-Airlock-Grant", async () => {
    // Its own upstream name: the credential is set for "keyed" only (the same server as "notes").
    const admin = dashboard.addUser("secrets-admin@example.com", "admin");
    const set = await api(dashboard, admin, "/api/secrets", {
      method: "POST",
      body: { upstream: "keyed", kind: "header", name: "Authorization", value: "Bearer upstream-key" },
    });
    expect(set.status).toBe(201);
    const bridge = await connectThroughBridge({ upstreams: [`keyed=${notesUrl}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const answer = accepted(await bridge.client.callTool({ name: "write_note", arguments: { text: "keyed" } }));
      expect(answer.via).toBe("x-airlock-grant");
      expect(answer.credential).toBe(createHash("sha256").update("Bearer upstream-key").digest("hex"));
      expect(answer.claims).toMatchObject({ aud: notesUrl, scope: "tool:write_note" });
    } finally {
      await bridge.close();
    }
    // A header named for the grants that the credential also uses: refused, not replaced.
    const named = await connectThroughBridge({
      upstreams: [`keyed=${notesUrl}`],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
      args: ["--grant-header", "keyed=Authorization"],
    });
    try {
      await expect(named.client.callTool({ name: "write_note", arguments: { text: "keyed" } })).rejects.toThrow(/credentials use the authorization header/);
    } finally {
      await named.close();
    }
  });

  it("refuses a grant once it has expired", async () => {
    const bridge = await connectThroughBridge({
      upstreams: [`notes=${notesUrl}`],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
      args: ["--grant-ttl", "1"],
    });
    try {
      const { token, claims } = accepted(await bridge.client.callTool({ name: "write_note", arguments: { text: "brief" } }));
      expect(claims.exp - claims.iat).toBe(1);
      // The server allows 1 s of clock skew: past exp + 1 s the grant is refused as expired (before any replay check).
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, (claims.exp + 1) * 1000 - Date.now()) + 1100));
      expect(await callDirectly(token, "write_note", { text: "brief" })).toBe("refused: expired");
    } finally {
      await bridge.close();
    }
  });

  it("a held call's grant names the approval and its approver, and the arguments the reviewer approved", async () => {
    const bridge = await connectThroughBridge({ upstreams: [`notes=${notesUrl}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "publish_note", arguments: { text: "draft" } });
      const pending = await waitFor(async () => {
        const { body } = await api(dashboard, alice, "/api/approvals?status=pending");
        return body.items.find((a: { tool: string }) => a.tool === "publish_note");
      });
      const decision = await api(dashboard, alice, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve", arguments: { text: "final" } } });
      expect(decision.status).toBe(200);
      const { result, claims, token } = accepted(await call);
      expect(result).toBe("published final");
      expect(claims.airlock_approval).toEqual({ id: pending.id, approvers: ["alice@example.com"] });
      expect(claims.scope).toBe("tool:publish_note");
      // Bound to the edited arguments, which are what the upstream ran: the proposed ones do not pass.
      expect(await callDirectly(token, "publish_note", { text: "draft" })).toBe("refused: wrong_arguments");
    } finally {
      await bridge.close();
    }
  });

  it("after a rotation new calls use the new key, and grants signed with the old one still verify until they expire", async () => {
    const bridge = await connectThroughBridge({
      upstreams: [`notes=${notesUrl}`],
      dashboardUrl: dashboard.url,
      token: bridgeToken,
      args: ["--grant-rotation", "10"],
    });
    try {
      const first = accepted(await bridge.client.callTool({ name: "write_note", arguments: { text: "before" } }));
      let n = 0;
      const rotated = await waitFor(
        async () => {
          const next = accepted(await bridge.client.callTool({ name: "write_note", arguments: { text: `probe ${n++}` } }));
          return next.kid !== first.kid ? next : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(rotated.claims.iat - first.claims.iat).toBeGreaterThanOrEqual(10);
      const again = accepted(await bridge.client.callTool({ name: "write_note", arguments: { text: "after" } }));
      expect(again.kid).toBe(rotated.kid);
      const kids = (await (await fetch(`${dashboard.url}/.well-known/jwks.json`)).json()).keys.map((k: { kid: string }) => k.kid);
      expect(kids).toEqual(expect.arrayContaining([first.kid, rotated.kid]));
      // Refused only as spent: its signature by the old key and its lifetime still verify (a bad signature is "invalid", a lapsed one "expired").
      expect(Date.now() / 1000).toBeLessThan(first.claims.exp);
      expect(await callDirectly(first.token, "write_note", { text: "before" })).toBe("refused: replayed");
    } finally {
      await bridge.close();
    }
  });
});

describe("the grant-key API", () => {
  const { publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicJwkOf(publicKey);
  const soon = () => new Date(Date.now() + 3600_000).toISOString();

  it("publishes a registered key, and registering it again is the same key", async () => {
    const first = await api(dashboard, bridgeToken, "/api/bridge/grant-keys", { body: { jwk, notAfter: soon() } });
    expect(first.status).toBe(201);
    expect(first.body.kid).toBe(jwk.kid);
    expect((await api(dashboard, bridgeToken, "/api/bridge/grant-keys", { body: { jwk, notAfter: soon() } })).status).toBe(201);
    const res = await fetch(`${dashboard.url}/.well-known/jwks.json`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=5");
    expect((await res.json()).keys).toContainEqual(jwk);
  });

  it.each([
    ["a private key", () => ({ jwk: { ...jwk, d: jwk.x }, notAfter: soon() }), 422, "invalid_input"],
    ["a kid that is not the key's thumbprint", () => ({ jwk: { ...jwk, kid: "A".repeat(43) }, notAfter: soon() }), 422, "invalid_input"],
    ["an EC key", () => ({ jwk: { ...jwk, kty: "EC" }, notAfter: soon() }), 422, "invalid_input"],
    ["a notAfter in the past", () => ({ jwk, notAfter: new Date(Date.now() - 1000).toISOString() }), 422, "invalid_input"],
    ["a notAfter years ahead", () => ({ jwk, notAfter: "2999-01-01T00:00:00Z" }), 422, "invalid_input"],
  ])("refuses %s", async (_name, body, status, code) => {
    const before = await (await fetch(`${dashboard.url}/api/grants/jwks`)).json();
    const res = await api(dashboard, bridgeToken, "/api/bridge/grant-keys", { body: body() });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await (await fetch(`${dashboard.url}/api/grants/jwks`)).json()).toEqual(before);
  });

  it("refuses callers without a bridge token", async () => {
    const res = await fetch(`${dashboard.url}/api/bridge/grant-keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jwk, notAfter: soon() }),
    });
    expect(res.status).toBe(401);
  });
});
