// Secrets the agent never holds, with real parts: the dashboard keeps an upstream's credential
// sealed, the real bridge (launched by the agent, with the agent's environment) hands it to a
// real stdio server's environment and a real HTTP server's headers, and a rotation reaches both
// without the agent reconnecting. The agent's own variables stay with the agent, and no view,
// log or audit event shows a value.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf, writePolicyFile } from "../helpers/bridge-client";
import { api, BRIDGE_BIN, type Dashboard, freePort, startDashboard, waitFor } from "../helpers/dashboard";

const SERVER = join(import.meta.dirname, "..", "servers", "credential-server.ts");
const STDIO = `${process.execPath} --import tsx ${SERVER}`;
const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const fresh = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

type Seen = { tokenDigest: string | null; authorizationDigest: string | null; envNames: string[]; pid: number };

let dashboard: Dashboard;
let admin: string;
let httpServer: ChildProcess;
let httpUrl: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  const { body } = await api(dashboard, admin, "/api/policy?format=json");
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...body, default: "allow" } } })).status).toBe(200);
  const port = await freePort();
  httpServer = spawn(process.execPath, ["--import", "tsx", SERVER, "--http", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    httpServer.stderr!.on("data", (d) => String(d).includes("listening") && resolve());
    httpServer.once("exit", (code) => reject(new Error(`the HTTP credential server exited with ${code}`)));
  });
  httpUrl = `http://127.0.0.1:${port}/mcp`;
});
afterAll(async () => {
  httpServer?.kill();
  await dashboard?.stop();
});

async function bridgeFor(name: string, extra: { env?: Record<string, string>; args?: string[] } = {}) {
  const token = dashboard.cli("bridge-token", "create", "--name", name, "--new-tools", "enabled");
  return connectThroughBridge({ upstreams: [`creds=${STDIO}`, `remote=${httpUrl}`], dashboardUrl: dashboard.url, token, ...extra });
}

async function seen(bridge: Awaited<ReturnType<typeof bridgeFor>>, tool: "creds__credential" | "remote__credential"): Promise<Seen> {
  const result = await bridge.client.callTool({ name: tool, arguments: {} });
  expect(result.isError).toBeFalsy();
  return JSON.parse(textOf(result)) as Seen;
}

describe("upstream secrets from the dashboard", () => {
  it("reach the stdio server's environment and the HTTP server's headers, rotate without the agent reconnecting, and are never shown", async () => {
    const [token1, token2, bearer1, bearer2] = [fresh("svc"), fresh("svc"), `Bearer ${fresh("at")}`, `Bearer ${fresh("at")}`];
    const set = (upstream: string, kind: string, name: string, value: string) =>
      api(dashboard, admin, "/api/secrets", { method: "POST", body: { upstream, kind, name, value } });
    expect((await set("creds", "env", "SERVICE_TOKEN", token1)).status).toBe(201);
    expect((await set("remote", "header", "Authorization", bearer1)).status).toBe(201);

    // The agent's environment holds its own secret and a variable the operator passes on by name.
    const bridge = await bridgeFor("secrets-a", {
      env: { AGENT_SECRET: "the agent's own", SERVICE_TOKEN: "the agent's copy", SHARED_SETTING: "passed" },
      args: ["--pass-env", "creds:SHARED_SETTING"],
    });
    try {
      const before = await seen(bridge, "creds__credential");
      expect(before.tokenDigest).toBe(sha256(token1));
      expect(before.envNames).toContain("PATH");
      expect(before.envNames).toContain("SHARED_SETTING");
      expect(before.envNames).not.toContain("AGENT_SECRET");
      expect(before.envNames.filter((n) => n.startsWith("AIRLOCK_"))).toEqual([]);
      expect((await seen(bridge, "remote__credential")).authorizationDigest).toBe(sha256(bearer1));

      // Rotation: the same agent session, the next calls carry the new values.
      expect((await set("creds", "env", "SERVICE_TOKEN", token2)).status).toBe(200);
      expect((await set("remote", "header", "authorization", bearer2)).status).toBe(200);
      const after = await waitFor(async () => {
        const now = await seen(bridge, "creds__credential");
        return now.tokenDigest === sha256(token2) ? now : undefined;
      });
      expect(after.pid).not.toBe(before.pid);
      expect((await seen(bridge, "remote__credential")).authorizationDigest).toBe(sha256(bearer2));

      // Masked in the API, absent from the audit trail and from both processes' logs.
      const list = await api(dashboard, admin, "/api/secrets");
      expect(list.status).toBe(200);
      expect(list.body.secrets.map((s: { upstream: string; kind: string; name: string; version: number }) => [s.upstream, s.kind, s.name, s.version])).toEqual([
        ["creds", "env", "SERVICE_TOKEN", 2],
        ["remote", "header", "authorization", 2],
      ]);
      const audit = await fetch(`${dashboard.url}/api/audit/export?format=ndjson`, { headers: { authorization: `Bearer ${admin}` } });
      const trail = await audit.text();
      expect(audit.status).toBe(200);
      expect(trail).toContain("upstream_secret_rotated");
      for (const value of [token1, token2, bearer1, bearer2]) {
        expect(JSON.stringify(list.body)).not.toContain(value);
        expect(trail).not.toContain(value);
        expect(dashboard.output()).not.toContain(value);
        expect(bridge.stderr()).not.toContain(value);
      }

      // Removed: the server starts again without it.
      const id = list.body.secrets.find((s: { upstream: string }) => s.upstream === "creds").id;
      expect((await api(dashboard, admin, `/api/secrets/${id}`, { method: "DELETE" })).status).toBe(204);
      await waitFor(async () => ((await seen(bridge, "creds__credential")).tokenDigest === null ? true : undefined));
    } finally {
      await bridge.close();
      await api(dashboard, admin, "/api/secrets").then(({ body }) =>
        Promise.all(body.secrets.map((s: { id: string }) => api(dashboard, admin, `/api/secrets/${s.id}`, { method: "DELETE" }))),
      );
    }
  });

  it("a bridge's own value wins over the one for every bridge; other bridges keep the shared one", async () => {
    const [shared, own] = [fresh("shared"), fresh("own")];
    const mine = await bridgeFor("secrets-own");
    const other = await bridgeFor("secrets-other");
    try {
      expect(
        (await api(dashboard, admin, "/api/secrets", { method: "POST", body: { upstream: "creds", kind: "env", name: "SERVICE_TOKEN", value: shared } }))
          .status,
      ).toBe(201);
      const scoped = await api(dashboard, admin, "/api/secrets", {
        method: "POST",
        body: { upstream: "creds", kind: "env", name: "SERVICE_TOKEN", value: own, bridge: "secrets-own" },
      });
      expect(scoped.status).toBe(201);
      await waitFor(async () => ((await seen(mine, "creds__credential")).tokenDigest === sha256(own) ? true : undefined));
      await waitFor(async () => ((await seen(other, "creds__credential")).tokenDigest === sha256(shared) ? true : undefined));
    } finally {
      await Promise.all([mine.close(), other.close()]);
      await api(dashboard, admin, "/api/secrets").then(({ body }) =>
        Promise.all(body.secrets.map((s: { id: string }) => api(dashboard, admin, `/api/secrets/${s.id}`, { method: "DELETE" }))),
      );
    }
  });

  it("refuses bad input and changes nothing", async () => {
    const post = (body: object) => api(dashboard, admin, "/api/secrets", { method: "POST", body });
    const cases: [object, number, RegExp][] = [
      [{ upstream: "creds", kind: "env", name: "PATH", value: "/tmp/evil" }, 422, /PATH decides what program runs/],
      [{ upstream: "creds", kind: "env", name: "LD_PRELOAD", value: "/tmp/x.so" }, 422, /LD_PRELOAD/],
      [{ upstream: "remote", kind: "header", name: "Mcp-Session-Id", value: "x" }, 422, /belongs to the MCP transport/],
      [{ upstream: "remote", kind: "header", name: "X-Key", value: "a\r\nX-Injected: 1" }, 422, /one line/],
      [{ upstream: "no spaces allowed", kind: "env", name: "TOKEN", value: "x" }, 422, /upstream/],
      [{ upstream: "creds", kind: "file", name: "TOKEN", value: "x" }, 422, /kind/],
      [{ upstream: "creds", kind: "env", name: "TOKEN", value: "" }, 422, /empty/],
      [{ upstream: "creds", kind: "env", name: "TOKEN", value: "x", bridge: "no-such-bridge" }, 404, /no bridge named/],
      [{ upstream: "creds", kind: "env", name: "TOKEN", value: "x", extra: 1 }, 422, /extra|unrecognized/i],
    ];
    for (const [body, status, message] of cases) {
      const res = await post(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.body.error.message).toMatch(message);
    }
    expect((await api(dashboard, admin, "/api/secrets")).body.secrets).toEqual([]);
  });
});

describe("upstream secrets from the bridge's --secrets file (no dashboard)", () => {
  it("reads values from the file, from a file it names and from the bridge's environment; refuses a misspelt upstream", async () => {
    const dir = mkdtempSync(join(tmpdir(), "airlock-secrets-"));
    const tokenFile = join(dir, "service-token");
    const token = fresh("file");
    writeFileSync(tokenFile, `${token}\n`);
    const secretsFile = join(dir, "secrets.yaml");
    writeFileSync(secretsFile, `upstreams:\n  creds:\n    env:\n      SERVICE_TOKEN: { file: ${JSON.stringify(tokenFile)} }\n`);
    chmodSync(secretsFile, 0o600);
    const policyFile = writePolicyFile({ default: "allow", rules: [] });
    const bridge = await connectThroughBridge({
      upstreams: [`creds=${STDIO}`],
      policyFile,
      args: ["--secrets", secretsFile],
      env: { SERVICE_TOKEN: "the agent's" },
    });
    try {
      const result = JSON.parse(textOf(await bridge.client.callTool({ name: "credential", arguments: {} }))) as Seen;
      expect(result.tokenDigest).toBe(sha256(token));
      expect(bridge.stderr()).not.toContain(token);
    } finally {
      await bridge.close();
    }

    writeFileSync(secretsFile, "upstreams:\n  cred:\n    env:\n      SERVICE_TOKEN: x\n");
    const refused = spawnSync(process.execPath, [BRIDGE_BIN, "--upstream", `creds=${STDIO}`, "--policy", policyFile, "--secrets", secretsFile], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--secrets: no upstream is named "cred" (upstreams: creds)');
  });
});
