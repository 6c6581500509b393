// Cluster mode when Redis goes away under two running instances: decisions are refused
// (503) rather than made on presence nobody can read, no held call expires meanwhile,
// no instance crashes, and everything works again once Redis is back (empty, as after a
// restart without persistence).
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import webpush from "web-push";
import { COUNTER_SERVER, connectThroughBridge, textOf } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, freePort, startDashboard, waitFor } from "../helpers/dashboard";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

const isPostgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "");
const REDIS_SERVER = "redis-server";

/** A Redis of this test's own, so it can be killed and started again on the same port. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode})`);
      try {
        const { createConnection } = await import("node:net");
        return await new Promise<true | undefined>((resolve) => {
          const socket = createConnection({ port, host: "127.0.0.1" }, () => {
            socket.end();
            resolve(true);
          });
          socket.on("error", () => resolve(undefined));
        });
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 10_000 },
  );
  return child;
}

async function stopRedis(child: ChildProcess | undefined) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

// SQLite is one instance's file: several instances need PostgreSQL (run with DATABASE_URL=postgresql://…).
describe.skipIf(!isPostgres)("two instances losing Redis (PostgreSQL only)", () => {
  let database: TestDatabase;
  const instances: Dashboard[] = [];
  let redis: ChildProcess | undefined;
  let redisPort: number;
  let sql: pg.Client;
  let admin: string;
  let rita: string;
  let bridgeToken: string;

  beforeAll(async () => {
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    database = await createTestDatabase();
    const vapid = webpush.generateVAPIDKeys();
    const pem = () => generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
      AIRLOCK_AUDIT_SIGNING_KEY: pem(),
      AIRLOCK_OAUTH_SIGNING_KEY: pem(),
      AIRLOCK_VAPID_PUBLIC_KEY: vapid.publicKey,
      AIRLOCK_VAPID_PRIVATE_KEY: vapid.privateKey,
      AIRLOCK_BRIDGE_GRACE_SECONDS: "1",
    };
    for (let i = 0; i < 2; i++) instances.push(await startDashboard({ database, env }));
    sql = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await sql.connect();
    admin = instances[0].addUser("admin@example.com", "admin");
    rita = instances[0].addUser("rita@example.com", "reviewer");
    bridgeToken = instances[0].cli("bridge-token", "create", "--name", "redis-loss", "--new-tools", "enabled");
    await afterBlockingCalls();
    const policy = { default: "allow", rules: [{ name: "increments wait", match: { tool: "increment" }, action: "require_approval" }] };
    expect((await api(instances[0], admin, "/api/policy", { method: "PUT", body: { policy } })).status).toBe(200);
  });

  afterAll(async () => {
    await sql?.end();
    for (const instance of instances) await instance.kill();
    await database?.drop();
    await stopRedis(redis);
  });

  const executedEvents = async (id: string) =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM "AuditEvent" WHERE "approvalId" = $1 AND kind = 'executed'`, [id])).rows[0].n);
  const statusOf = async (id: string) => (await sql.query<{ status: string }>(`SELECT status FROM "ApprovalRequest" WHERE id = $1`, [id])).rows[0].status;

  it("refuses decisions and expires nothing while Redis is down, and recovers when it is back", async () => {
    // The bridge's socket is on A; the reviewer decides at B, which knows of the bridge only through Redis.
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: instances[0].url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "increment", arguments: { by: 5 } });
      const pending = await waitFor(async () => {
        const { body } = await api(instances[1], rita, "/api/approvals?status=pending");
        return body.items?.[0] as { id: string } | undefined;
      });
      await stopRedis(redis);
      const refused = await api(instances[1], rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
      expect(refused.status).toBe(503);
      expect(refused.body.error.message).toMatch(/shared state \(Redis\) cannot be reached/);
      // Several sweeps and grace periods later: still pending (nobody expired it as "bridge gone"), both instances up.
      await new Promise((r) => setTimeout(r, 4_000));
      expect(await statusOf(pending.id)).toBe("pending");
      for (const instance of instances) expect((await fetch(`${instance.url}/api/health`)).status).toBe(200);

      redis = await startRedis(redisPort);
      const approved = await waitFor(
        async () => {
          const res = await api(instances[1], rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } });
          return res.status === 503 ? undefined : res;
        },
        { timeoutMs: 20_000, intervalMs: 500 },
      );
      expect(approved).toMatchObject({ status: 200, body: { status: "approved" } });
      expect(textOf(await call)).toBe("count is now 5");
      await waitFor(async () => ((await executedEvents(pending.id)) > 0 ? true : undefined));
      expect(await executedEvents(pending.id)).toBe(1);
    } finally {
      await bridge.close();
    }
  });
});
