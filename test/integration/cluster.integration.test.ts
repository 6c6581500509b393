// Several dashboard instances on one PostgreSQL database and one Redis, behind a real
// nginx (round robin): reviewers hear of every held call whatever instance they are on,
// a call held through one instance is decided through another, the bridge survives the
// death of the instance its socket is on, and the background jobs run once.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import type { ApprovalSummary } from "../../lib/realtime/events";
import { COUNTER_SERVER, connectThroughBridge, textOf } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, freePort, startDashboard, waitFor } from "../helpers/dashboard";
import { NGINX_BIN, type Nginx, startNginx } from "../helpers/nginx";
import { signIn } from "../helpers/session";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const isPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "");
const PASSWORD = "correct horse battery staple";
const GRACE_SECONDS = 1;

const pem = () => generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();

/** What every instance of one cluster shares. */
function clusterEnv(): Record<string, string> {
  const vapid = webpush.generateVAPIDKeys();
  return {
    REDIS_URL,
    AIRLOCK_REDIS_PREFIX: `airlock-test-${randomBytes(4).toString("hex")}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    AIRLOCK_AUDIT_SIGNING_KEY: pem(),
    AIRLOCK_OAUTH_SIGNING_KEY: pem(),
    AIRLOCK_VAPID_PUBLIC_KEY: vapid.publicKey,
    AIRLOCK_VAPID_PRIVATE_KEY: vapid.privateKey,
    AIRLOCK_BRIDGE_GRACE_SECONDS: String(GRACE_SECONDS),
  };
}

describe("cluster mode refuses to start on a shaky footing", () => {
  it("refuses SQLite, naming PostgreSQL", async () => {
    const database = await createTestDatabase();
    try {
      const sqlite = `file:${join(database.env.AIRLOCK_DATA_DIR, "cluster.db")}`;
      await expect(startDashboard({ database, env: { ...clusterEnv(), DATABASE_URL: sqlite } })).rejects.toThrow(/needs a shared PostgreSQL database/);
    } finally {
      await database.drop();
    }
  });

  it.skipIf(!isPostgres)("names every shared secret that is missing, in one message, and generates none of them", async () => {
    const database = await createTestDatabase();
    try {
      const env = { ...clusterEnv(), NEXTAUTH_SECRET: "", AIRLOCK_AUDIT_SIGNING_KEY: "", AIRLOCK_VAPID_PRIVATE_KEY: "" };
      const failure = await startDashboard({ database, env }).catch((error: Error) => error.message);
      expect(failure).toMatch(/set NEXTAUTH_SECRET \(.*\); AIRLOCK_AUDIT_SIGNING_KEY or AIRLOCK_AUDIT_SIGNING_KEY_FILE \(.*\); AIRLOCK_VAPID_PRIVATE_KEY \(/);
      expect(failure).not.toMatch(/AIRLOCK_OAUTH_SIGNING_KEY|AIRLOCK_VAPID_PUBLIC_KEY/);
      expect(readdirSync(database.env.AIRLOCK_DATA_DIR)).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it.skipIf(!isPostgres)("refuses to start when Redis cannot be reached", async () => {
    const database = await createTestDatabase();
    try {
      const env = { ...clusterEnv(), REDIS_URL: `redis://:hunter2@127.0.0.1:${await freePort()}` };
      const failure = await startDashboard({ database, env }).catch((error: Error) => error.message);
      expect(failure).toMatch(/Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ cannot be reached/);
      expect(failure).not.toContain("hunter2");
    } finally {
      await database.drop();
    }
  });
});

// SQLite is one instance's file: several instances need PostgreSQL (run with DATABASE_URL=postgresql://…).
describe.skipIf(!isPostgres || !NGINX_BIN)("three instances behind nginx (PostgreSQL only; needs nginx)", () => {
  let database: TestDatabase;
  let instances: Dashboard[] = [];
  let nginx: Nginx;
  let sql: pg.Client;
  let admin: string;
  let rita: string;
  let bridgeToken: string;
  let hooks: Server;
  const received: { type: string; data: { id: string } }[] = [];
  const sockets: Socket[] = [];

  const POLICY = {
    default: "allow",
    rules: [
      { name: "the hundred expires fast", match: { tool: "increment" }, when: "args.by == 100", action: "require_approval", timeoutSeconds: 2 },
      { name: "increments wait for a reviewer", match: { tool: "increment" }, action: "require_approval" },
    ],
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = clusterEnv();
    // One at a time: the first applies the migrations.
    for (let i = 0; i < 3; i++) instances.push(await startDashboard({ database, env }));
    nginx = await startNginx(instances.map((d) => d.port));
    sql = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await sql.connect();
    admin = instances[0].addUser("admin@example.com", "admin");
    rita = instances[0].addUser("rita@example.com", "reviewer", PASSWORD);
    bridgeToken = instances[0].cli("bridge-token", "create", "--name", "cluster-laptop", "--new-tools", "enabled");
    await afterBlockingCalls();
    expect((await api(instances[1], admin, "/api/policy", { method: "PUT", body: { policy: POLICY } })).status).toBe(200);
    hooks = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(hooks.address() as { port: number }).port}/hook`;
    expect((await api(instances[2], admin, "/api/webhooks", { body: { url: hookUrl, eventTypes: ["approval.expired"] } })).status).toBe(201);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await sql?.end();
    await nginx?.stop();
    for (const instance of instances) await instance.kill();
    await database?.drop();
    await new Promise((resolve) => (hooks ? hooks.close(resolve) : resolve(undefined)));
  });

  /** A signed-in reviewer's socket, straight to one instance. */
  async function reviewerSocket(instance: Dashboard): Promise<Socket> {
    const cookie = await signIn(instance, "rita@example.com", PASSWORD);
    expect(cookie).not.toBeNull();
    const socket = io(instance.url, { transports: ["websocket"], reconnection: false, extraHeaders: { cookie: cookie! } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return socket;
  }

  const pendingWithArgument = (by: number) =>
    waitFor(async () => {
      const { body } = await api(instances[0], rita, "/api/approvals?status=pending");
      return body.items.find((a: ApprovalSummary) => a.keyArguments.some((k) => k.value === String(by))) as ApprovalSummary | undefined;
    });

  const auditKinds = async (approvalId: string) =>
    (
      await sql.query<{ kind: string; detail: { decision?: string } | null }>(`SELECT kind, detail FROM "AuditEvent" WHERE "approvalId" = $1 ORDER BY seq`, [
        approvalId,
      ])
    ).rows;

  const countOf = async (client: Awaited<ReturnType<typeof connectThroughBridge>>["client"]) =>
    Number(textOf(await client.callTool({ name: "get_count", arguments: {} })));

  /** The instance that holds a bridge process's socket now, as Redis says. */
  async function socketHolder(bridgeInstance: string, env: NodeJS.ProcessEnv): Promise<Dashboard | undefined> {
    const { createClient } = await import("redis");
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    try {
      const nodeId = await redis.get(`${env.AIRLOCK_REDIS_PREFIX}:bridge-socket:${bridgeInstance}`);
      return nodeId ? instances.find((d) => d.output().includes(`instance ${nodeId} joined`)) : undefined;
    } finally {
      await redis.quit();
    }
  }

  it("(a) pushes a call held through nginx to reviewers on every instance", async () => {
    const reviewers = await Promise.all(instances.map(reviewerSocket));
    const heard = reviewers.map(
      (socket) => new Promise<ApprovalSummary>((resolve) => socket.on("approval:created", (a: ApprovalSummary) => a.tool === "increment" && resolve(a))),
    );
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: nginx.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 3 } });
      const [onA, onB, onC] = await Promise.all(heard);
      expect(onA.id).toBe(onC.id);
      expect(onB.id).toBe(onC.id);
      expect(onC).toMatchObject({ status: "pending", tool: "increment", bridgeName: "cluster-laptop" });
      expect((await api(instances[2], rita, `/api/approvals/${onC.id}/decision`, { body: { decision: "approve" } })).body).toMatchObject({
        status: "approved",
      });
      expect(textOf(await call)).toMatch(/^count is now \d+$/);
    } finally {
      await bridge.close();
    }
  });

  it("(b) decides through one instance a call held through another, and the agent gets the upstream's result", async () => {
    // The bridge talks to instance A only; the reviewer decides at B: the push crosses through Redis.
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: instances[0].url, token: bridgeToken });
    try {
      const before = await countOf(bridge.client);
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 7 } });
      const pending = await pendingWithArgument(7);
      expect((await api(instances[1], rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).body).toMatchObject({
        status: "approved",
      });
      expect(textOf(await call)).toBe(`count is now ${before + 7}`);
      await waitFor(async () => ((await auditKinds(pending.id)).some((e) => e.kind === "executed") ? true : undefined));
      expect((await auditKinds(pending.id)).filter((e) => e.kind === "executed")).toHaveLength(1);
    } finally {
      await bridge.close();
    }
  });

  it("(c) survives the death of the instance the bridge's socket is on: decided elsewhere, run once, not 'bridge gone'", async () => {
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: nginx.url, token: bridgeToken });
    try {
      const before = await countOf(bridge.client);
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 11 } });
      const pending = await pendingWithArgument(11);
      const { rows } = await sql.query<{ bridgeInstance: string }>(`SELECT "bridgeInstance" FROM "ApprovalRequest" WHERE id = $1`, [pending.id]);
      const bridgeInstance = rows[0].bridgeInstance;
      const holder = await waitFor(() => socketHolder(bridgeInstance, instances[0].env));
      await holder.kill();
      const survivors = instances.filter((d) => d !== holder);
      // The bridge reconnects through nginx to a survivor…
      const newHolder = await waitFor(async () => {
        const now = await socketHolder(bridgeInstance, instances[0].env);
        return now && now !== holder ? now : undefined;
      });
      // …and stays alive for the whole cluster past the grace period: the other survivor, which
      // holds no socket of it and hears its polls only every other time, sees it connected.
      const [elsewhere] = survivors.filter((d) => d !== newHolder);
      await new Promise((r) => setTimeout(r, (GRACE_SECONDS + 3) * 1000));
      expect((await api(elsewhere, rita, `/api/approvals/${pending.id}`)).body).toMatchObject({ status: "pending", isBridgeConnected: true });
      expect((await api(elsewhere, rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).body).toMatchObject({
        status: "approved",
      });
      expect(textOf(await call)).toBe(`count is now ${before + 11}`);
      await waitFor(async () => ((await auditKinds(pending.id)).some((e) => e.kind === "executed") ? true : undefined));
      const events = await auditKinds(pending.id);
      expect(events.filter((e) => e.kind === "executed")).toHaveLength(1);
      expect(events.filter((e) => e.kind === "decided").map((e) => e.detail?.decision)).toEqual(["approve"]);
      expect(await countOf(bridge.client)).toBe(before + 11);
      instances = survivors;
    } finally {
      await bridge.close();
    }
  });

  it("(d) runs the expiry once across the instances: one leader, one expiry event, one webhook", async () => {
    // Exactly one live instance leads the background jobs (after (c), possibly one that took over).
    const leads = (d: Dashboard) => [...d.output().matchAll(/(leads|no longer leads) the background jobs/g)].at(-1)?.[1] === "leads";
    await waitFor(async () => (instances.some(leads) ? true : undefined));
    expect(instances.filter(leads)).toHaveLength(1);
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: nginx.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 100 } });
      const result = await call;
      expect(result.isError).toBe(true);
      const { rows } = await sql.query<{ id: string; status: string; outcome: string }>(
        `SELECT id, status, outcome FROM "ApprovalRequest" WHERE "ruleName" = 'the hundred expires fast'`,
      );
      expect(rows).toEqual([{ id: expect.any(String), status: "expired", outcome: "expired" }]);
      const id = rows[0].id;
      await waitFor(async () => (received.some((h) => h.data.id === id) ? true : undefined));
      // Every instance's sweep has had several turns since: still one of each.
      await new Promise((r) => setTimeout(r, 3_000));
      expect((await auditKinds(id)).filter((e) => e.kind === "decided").map((e) => e.detail?.decision)).toEqual(["expire"]);
      expect(received.filter((h) => h.data.id === id).map((h) => h.type)).toEqual(["approval.expired"]);
    } finally {
      await bridge.close();
    }
  });

  it("(e) counts sign-in failures across the instances: the budget is the cluster's, not each instance's", async () => {
    instances[0].addUser("tom@example.com", "reviewer", PASSWORD);
    // Six wrong passwords spread over the instances: each saw at most three, the cluster six (five are free).
    for (let i = 0; i < 6; i++) expect(await signIn(instances[i % instances.length], "tom@example.com", "wrong password")).toBeNull();
    for (const instance of instances) expect(await signIn(instance, "tom@example.com", PASSWORD)).toBeNull();
  });

  it("(f) counts OAuth client registrations from one address across the instances", async () => {
    const register = async (instance: Dashboard) => {
      const res = await fetch(`${instance.url}/api/oauth/register`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_name: "cluster test", redirect_uris: ["http://127.0.0.1:9/callback"] }),
      });
      return { status: res.status, body: await res.json() };
    };
    for (let i = 0; i < 20; i++) expect((await register(instances[i % instances.length])).status).toBe(201);
    for (const instance of instances) expect((await register(instance)).body).toMatchObject({ error: "temporarily_unavailable" });
  });
});
