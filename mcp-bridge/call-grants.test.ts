import { generateKeyPairSync } from "node:crypto";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import type { TBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { GRANT_META_KEY } from "../lib/grants/grant.types";
import { createGrantSigner, type GrantSigner, publicJwkOf } from "../lib/grants/mint-grant";
import { ZPolicy } from "../lib/policy/policy.types";
import { parseBridgeOptions, UsageError } from "./bridge-options";
import { createCallGrants } from "./call-grants";
import { type GateDeps, gateToolCall } from "./gate";
import { DEFAULT_GRANT_HEADER, grantFetch, takeGrant } from "./grant-header";
import { PolicySource } from "./policy-source";
import { SessionContext } from "./session-context";
import { ToolRegistry } from "./tool-registry";

const WRITE: Tool = { name: "write_file", inputSchema: { type: "object", properties: { path: { type: "string" } } } };
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const jwk = publicJwkOf(publicKey);
const SIGNER = createGrantSigner({ privateKey, publicKey, issuer: "http://dashboard.test" });

function setup(signer: GrantSigner | null) {
  const registry = new ToolRegistry(true);
  registry.setUpstreamTools("fs", [WRITE]);
  const policy = new PolicySource();
  policy.current = ZPolicy.parse({ default: "allow", rules: [] });
  const events: TBridgeAuditEvent[] = [];
  const forward = vi.fn(async (..._args: Parameters<GateDeps["forward"]>): Promise<CallToolResult> => ({ content: [{ type: "text", text: "ok" }] }));
  const deps: GateDeps = {
    registry,
    policy,
    audit: { record: (e) => events.push(e), flush: async () => {} },
    forward,
    grants: createCallGrants({ keys: { signer }, audiences: new Map([["fs", "https://fs.example/mcp"]]) }),
  };
  const call = (args: Record<string, unknown>) =>
    gateToolCall(deps, {
      name: "fs__write_file",
      args,
      meta: { "airlock/user": "Rita@Example.com", trace: "t1" },
      sessionId: "s1",
      session: new SessionContext(),
      signal: new AbortController().signal,
    });
  return { call, forward, events };
}

describe("grants on the gate's path", () => {
  it("forwards each allowed call with a grant for the upstream's tool name, its arguments and the principal", async () => {
    const { call, forward } = setup(SIGNER);
    await call({ path: "/tmp/a" });
    const meta = forward.mock.calls[0][2].meta as Record<string, unknown>;
    expect(meta.trace).toBe("t1");
    const { payload } = await jwtVerify(meta[GRANT_META_KEY] as string, createLocalJWKSet({ keys: [jwk] }), { audience: "https://fs.example/mcp" });
    expect(payload).toMatchObject({ sub: "rita@example.com", scope: "tool:write_file", airlock_args: `sha256:${hashArguments({ path: "/tmp/a" })}` });
  });

  it("refuses the call, and forwards nothing, while no key can sign (fail closed)", async () => {
    const { call, forward, events } = setup(null);
    const answer = await call({ path: "/tmp/a" });
    expect(forward).not.toHaveBeenCalled();
    expect(answer).toMatchObject({ isError: true });
    expect(events[0]).toMatchObject({ kind: "denied", detail: { reason: "no grant-signing key" } });
  });
});

describe("the grant's header for HTTP upstreams", () => {
  const message = {
    jsonrpc: "2.0" as const,
    id: 7,
    method: "tools/call",
    params: { name: "echo", arguments: { text: "x" }, _meta: { [GRANT_META_KEY]: "h.p.s" } },
  };

  it("moves the grant from _meta into Authorization: Bearer, or a configured header as is", () => {
    expect(takeGrant(message, DEFAULT_GRANT_HEADER)).toEqual({
      message: { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "echo", arguments: { text: "x" } } },
      header: "authorization",
      value: "Bearer h.p.s",
    });
    expect(takeGrant({ ...message, params: { ...message.params, _meta: { [GRANT_META_KEY]: "h.p.s", keep: 1 } } }, { name: "x-grant" })).toMatchObject({
      message: { params: { _meta: { keep: 1 } } },
      header: "x-grant",
      value: "h.p.s",
    });
    expect(takeGrant({ jsonrpc: "2.0", id: 8, method: "tools/list", params: { _meta: { [GRANT_META_KEY]: "h.p.s" } } }, DEFAULT_GRANT_HEADER)).toBeUndefined();
  });

  it("leaves Authorization to the upstream's own credential: the grant goes in X-Airlock-Grant, or, with a header named for it, nowhere", () => {
    expect(takeGrant(message, DEFAULT_GRANT_HEADER, { Authorization: "Bearer upstream-key" })).toMatchObject({ header: "x-airlock-grant", value: "h.p.s" });
    expect(() => takeGrant(message, { name: "x-key" }, { "X-Key": "k" })).toThrow(
      "the upstream's credentials use the x-key header that its grants would travel in; give the grants another one (--grant-header NAME=X-Airlock-Grant)",
    );
  });

  it("does the same for the SDK's transports through their fetch", async () => {
    const seen: { headers: Headers; body: string }[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (_url: unknown, init?: RequestInit) => {
      seen.push({ headers: new Headers(init?.headers), body: String(init?.body) });
      return new Response("{}");
    }) as typeof fetch;
    try {
      await grantFetch(DEFAULT_GRANT_HEADER)("http://up.test/mcp", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(message),
      });
    } finally {
      globalThis.fetch = original;
    }
    expect(seen[0].headers.get("authorization")).toBe("Bearer h.p.s");
    expect(seen[0].headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(seen[0].body)).toEqual({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "echo", arguments: { text: "x" } } });
  });
});

describe("grant flags", () => {
  const base = ["--upstream", "fs=node fs.js", "--upstream", "web=https://web.example/mcp?x=1", "--dashboard", "http://d.test", "--token", "t"];

  it("turns grants on with a dashboard, with the documented audiences and headers", () => {
    const options = parseBridgeOptions(base, {});
    expect(options).not.toBe("help");
    const { grants } = options as Exclude<typeof options, "help">;
    expect(grants).toEqual({
      ttlSeconds: 60,
      rotationMs: 3_600_000,
      audiences: new Map([
        ["fs", "fs"],
        ["web", "https://web.example/mcp"],
      ]),
      headers: new Map(),
    });
    const tuned = parseBridgeOptions([...base, "--grant-ttl", "10", "--grant-audience", "fs=urn:fs", "--grant-header", "web=X-Grant"], {});
    expect((tuned as Exclude<typeof tuned, "help">).grants).toMatchObject({
      ttlSeconds: 10,
      audiences: new Map([
        ["fs", "urn:fs"],
        ["web", "https://web.example/mcp"],
      ]),
      headers: new Map([["web", "x-grant"]]),
    });
    expect((parseBridgeOptions([...base, "--grants", "off"], {}) as { grants?: unknown }).grants).toBeUndefined();
  });

  it.each([
    [["--grant-ttl", "61"], "--grant-ttl: must be at most 60 seconds"],
    [["--grant-rotation", "5"], "--grant-rotation: must be at least 10 seconds"],
    [["--grants", "maybe"], "--grants: expected on or off"],
    [["--grant-audience", "nope=x"], '--grant-audience: no upstream is named "nope"'],
    [["--grant-header", "bad header"], "--grant-header: expected [NAME=]HEADER"],
  ])("refuses %j", (extra, message) => {
    expect(() => parseBridgeOptions([...base, ...extra], {})).toThrow(new UsageError(message));
  });

  it("refuses --grants on without a dashboard to publish the keys", () => {
    expect(() => parseBridgeOptions(["--upstream", "node fs.js", "--policy", "p.yaml", "--grants", "on"], {})).toThrow(/--grants on needs --dashboard/);
    expect((parseBridgeOptions(["--upstream", "node fs.js", "--policy", "p.yaml"], {}) as { grants?: unknown }).grants).toBeUndefined();
  });
});
