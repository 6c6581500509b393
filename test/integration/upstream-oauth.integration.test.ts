// OAuth client credentials for an HTTP upstream, with real parts: a real authorization server
// (oidc-provider, client credentials grant, introspection), a real MCP server that accepts only
// tokens the authorization server says are active, and the real bridge launched by an agent.
// The bridge holds the client secret (from its --secrets file, which reads it from the bridge's
// own environment), fetches a token, renews it before it expires, and never logs either.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf, writePolicyFile } from "../helpers/bridge-client";
import { BRIDGE_BIN, freePort } from "../helpers/dashboard";
import { startTokenServer, type TestTokenServer } from "../helpers/oidc-provider";

const SERVER = join(import.meta.dirname, "..", "servers", "oauth-protected-server.ts");
const CLIENT = { clientId: "billing-bridge", clientSecret: "billing-bridge-secret-0123456789abcdef", scope: "billing.read" };
const RESOURCE_SERVER = { clientId: "billing-api", clientSecret: "billing-api-secret-0123456789abcdef" };
const ACCESS_TOKEN_SECONDS = 3;
const ALLOW_ALL = writePolicyFile({ default: "allow", rules: [] });

let tokens: TestTokenServer;
let upstream: ChildProcess;
let upstreamUrl: string;

beforeAll(async () => {
  tokens = await startTokenServer({
    clients: [CLIENT],
    resourceServers: [RESOURCE_SERVER],
    scopes: ["billing.read"],
    accessTokenSeconds: ACCESS_TOKEN_SECONDS,
  });
  const port = await freePort();
  upstream = spawn(process.execPath, ["--import", "tsx", SERVER, String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      INTROSPECT_URL: tokens.introspectionUrl,
      INTROSPECT_CLIENT_ID: RESOURCE_SERVER.clientId,
      INTROSPECT_CLIENT_SECRET: RESOURCE_SERVER.clientSecret,
    },
  });
  await new Promise<void>((resolve, reject) => {
    upstream.stderr!.on("data", (d) => String(d).includes("listening") && resolve());
    upstream.once("exit", (code) => reject(new Error(`the protected server exited with ${code}`)));
  });
  upstreamUrl = `http://127.0.0.1:${port}/mcp`;
});
afterAll(async () => {
  upstream?.kill();
  await tokens?.stop();
});

function secretsFile(clientSecretVar: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "airlock-secrets-")), "secrets.yaml");
  writeFileSync(
    path,
    [
      "upstreams:",
      "  billing:",
      "    oauth:",
      `      tokenUrl: ${tokens.tokenUrl}`,
      `      clientId: ${CLIENT.clientId}`,
      `      clientSecret: { env: ${clientSecretVar} }`,
      `      scope: ${CLIENT.scope}`,
    ].join("\n"),
  );
  chmodSync(path, 0o600);
  return path;
}

type WhoAmI = { client: string; scope: string; tokenDigest: string };

describe("an HTTP upstream behind OAuth", () => {
  it("gets a bearer token the bridge fetched with the client's credentials, renewed before it expires; the secret never reaches a log", async () => {
    const bridge = await connectThroughBridge({
      upstreams: [`billing=${upstreamUrl}`],
      policyFile: ALLOW_ALL,
      args: ["--secrets", secretsFile("BILLING_CLIENT_SECRET")],
      env: { BILLING_CLIENT_SECRET: CLIENT.clientSecret },
    });
    try {
      const whoami = async (): Promise<WhoAmI> => {
        const result = await bridge.client.callTool({ name: "whoami", arguments: {} });
        expect(result.isError).toBeFalsy();
        return JSON.parse(textOf(result));
      };
      const first = await whoami();
      expect(first).toMatchObject({ client: CLIENT.clientId, scope: CLIENT.scope });
      // Past the first token's lifetime: the bridge renewed it on its own, and calls still pass.
      await new Promise((r) => setTimeout(r, (ACCESS_TOKEN_SECONDS + 1) * 1000));
      const later = await whoami();
      expect(later).toMatchObject({ client: CLIENT.clientId, scope: CLIENT.scope });
      expect(later.tokenDigest).not.toBe(first.tokenDigest);
      expect(bridge.stderr()).not.toContain(CLIENT.clientSecret);
    } finally {
      await bridge.close();
    }
  });

  it("sends nothing when the authorization server refuses the client: the bridge stops, naming why (fail closed)", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BRIDGE_BIN, "--upstream", `billing=${upstreamUrl}`, "--policy", ALLOW_ALL, "--secrets", secretsFile("WRONG_SECRET")],
      env: { ...(process.env as Record<string, string>), WRONG_SECRET: "not-the-client-secret" },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (d) => (stderr += d));
    const client = new Client({ name: "airlock-test-agent", version: "1.0.0" });
    await expect(client.connect(transport)).rejects.toThrow(/Connection closed/);
    await client.close().catch(() => undefined);
    expect(stderr).toContain("fatal: no upstream could be reached: billing: cannot connect to http://127.0.0.1:");
    expect(stderr).toContain('no OAuth access token for upstream "billing": the token endpoint refused (401 invalid_client: client authentication failed)');
    expect(stderr).not.toContain("not-the-client-secret");
  });

  it("refuses at start a secrets file that gives OAuth to a command-line upstream", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "airlock-secrets-")), "secrets.yaml");
    writeFileSync(path, `upstreams:\n  local:\n    oauth: { tokenUrl: ${tokens.tokenUrl}, clientId: x, clientSecret: y }\n`);
    chmodSync(path, 0o600);
    const run = spawnSync(process.execPath, [BRIDGE_BIN, "--upstream", `local=${process.execPath} -e 0`, "--policy", ALLOW_ALL, "--secrets", path], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--secrets: upstreams.local.oauth: OAuth client credentials are for HTTP upstreams; "local" is a command');
  });
});
