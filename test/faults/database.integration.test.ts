// The database failing under a running dashboard: SQLite made read-only (and its
// files immutable) then writable again; PostgreSQL connections cut. The dashboard
// must fail fast with a clear 503 (never hang), say so on /api/health, and work
// again without a restart once the database does.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashArguments } from "../../lib/crypto/canonical-hash";
import { COUNTER_SERVER, connectThroughBridge, textOf } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let alice: string;
let bridgeToken: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  const admin = dashboard.addUser("admin@example.com", "admin");
  alice = dashboard.addUser("alice@example.com", "reviewer");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "db-fault", "--new-tools", "enabled");
  await afterBlockingCalls();
  const policy = { default: "allow", rules: [{ name: "hold increments", match: { tool: "increment" }, action: "require_approval", timeoutSeconds: 300 }] };
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } })).status).toBe(200);
});

afterAll(async () => {
  await dashboard?.stop();
});

async function held(by: number) {
  const args = { by };
  const res = await api(dashboard, bridgeToken, "/api/bridge/approvals", {
    body: {
      sessionId: "s-db",
      server: "counter",
      tool: "increment",
      arguments: args,
      argumentsHash: hashArguments(args),
      heldReason: "test",
      timeoutSeconds: 300,
    },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A request that must answer within `ms` (a hang is the failure this file is about). */
async function timed<T>(ms: number, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  try {
    return await Promise.race([run(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The database and its write-ahead log. (Not the -shm file: SQLite maps it into memory, and a write to it that the kernel refuses kills the process with SIGBUS.) */
const sqliteFiles = () => {
  const file = dashboard.env.DATABASE_URL!.slice("file:".length);
  return [file, `${file}-wal`].filter((f) => existsSync(f));
};
const chattr = (flag: "+i" | "-i", files: string[]) => execFileSync("chattr", [flag, ...files]);

describe("the database failing", () => {
  it("SQLite read-only: decisions fail fast with 503, health says so, and both recover without a restart", async (ctx) => {
    if (dashboard.database.provider !== "sqlite") ctx.skip();
    const id = await held(1);
    // A real agent's call is held through the outage too.
    const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
    const call = bridge.client.callTool({ name: "increment", arguments: { by: 7 } });
    const agentsRequest = await waitFor(async () =>
      (await api(dashboard, alice, "/api/approvals?status=pending")).body.items.find((a: { sessionId: string }) => a.sessionId !== "s-db"),
    );
    const files = sqliteFiles();
    chattr("+i", files);
    try {
      const refused = await timed(10_000, () => api(dashboard, alice, `/api/approvals/${id}/decision`, { body: { decision: "approve" } }));
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe("unavailable");
      expect((await timed(10_000, () => api(dashboard, alice, `/api/approvals/${agentsRequest.id}/decision`, { body: { decision: "approve" } }))).status).toBe(
        503,
      );
      const health = await timed(10_000, () => fetch(`${dashboard.url}/api/health`));
      expect(health.status).toBe(503);
      expect((await health.json()).database).toMatchObject({ writable: false });
    } finally {
      chattr("-i", files);
    }
    // Within seconds, without a restart: /api/health (and the dashboard's own probe every 10 s) reopens the database.
    await waitFor(async () => ((await fetch(`${dashboard.url}/api/health`)).status === 200 ? true : undefined), { timeoutMs: 15_000, intervalMs: 500 });
    const approved = await timed(10_000, () => api(dashboard, alice, `/api/approvals/${id}/decision`, { body: { decision: "approve" } }));
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe("approved");
    expect((await fetch(`${dashboard.url}/api/health`)).status).toBe(200);
    // And the next held call goes through the whole write path.
    const next = await held(2);
    expect((await api(dashboard, alice, `/api/approvals/${next}/decision`, { body: { decision: "reject" } })).status).toBe(200);
    // The agent's call waited through the outage and runs exactly once, after its approval.
    try {
      expect(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} }))).toBe("0");
      expect((await api(dashboard, alice, `/api/approvals/${agentsRequest.id}/decision`, { body: { decision: "approve" } })).body.status).toBe("approved");
      expect((await call).isError).toBeFalsy();
      expect(textOf(await bridge.client.callTool({ name: "get_count", arguments: {} }))).toBe("7");
    } finally {
      await bridge.close();
    }
  });

  it("PostgreSQL connections cut: the next requests recover without a restart", async (ctx) => {
    if (dashboard.database.provider !== "postgresql") ctx.skip();
    const id = await held(3);
    const url = new URL(dashboard.env.DATABASE_URL!);
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [url.pathname.slice(1)]);
    await admin.end();
    // A request that meets a connection the server just cut (before the pool noticed) fails fast
    // and says so (503, never a 500 or a hang); the requests after it work, with no restart.
    const statuses: number[] = [];
    await waitFor(
      async () => {
        const { status } = await timed(10_000, () => api(dashboard, alice, `/api/approvals/${id}`));
        statuses.push(status);
        return status === 200 ? true : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 200 },
    );
    expect(statuses.slice(0, -1).every((s) => s === 503)).toBe(true);
    expect(statuses.length).toBeLessThanOrEqual(3);
    const approved = await timed(10_000, () => api(dashboard, alice, `/api/approvals/${id}/decision`, { body: { decision: "approve" } }));
    expect(approved.status).toBe(200);
    expect((await fetch(`${dashboard.url}/api/health`)).status).toBe(200);
  });

  it("PostgreSQL: a decision whose transaction outlives its timeout is refused with 503, and the decisions in flight beside it are not disturbed", async (ctx) => {
    if (dashboard.database.provider !== "postgresql") ctx.skip();
    // Under load a decision can wait on the audit chain's head row past its transaction's
    // timeout (Prisma's 5 s): its next statement is refused, and so is the decision (503,
    // nothing kept). That is a slow database, not a broken client, but the client used to
    // be reopened for it, which ended every other transaction in flight on the old one (a
    // 500 "Unknown transaction status", a request never answered). Here the head row is
    // held while a decision waits past its timeout and a second one queues behind it.
    const [first, second] = [await held(4), await held(5)];
    const url = new URL(dashboard.env.DATABASE_URL!);
    const locker = new pg.Client({ connectionString: url.toString() });
    // Another connection watches: pg_stat_activity is a snapshot per transaction, and the locker's stays open.
    const watcher = new pg.Client({ connectionString: url.toString() });
    await Promise.all([locker.connect(), watcher.connect()]);
    const waitingOnTheHead = async (n: number) =>
      waitFor(async () => {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%AuditChainHead%'`,
        );
        return rows[0].n >= n ? true : undefined;
      });
    try {
      await locker.query("BEGIN");
      await locker.query(`UPDATE "AuditChainHead" SET "seq" = "seq" WHERE "id" = 1`);
      const decide = (id: string) => api(dashboard, alice, `/api/approvals/${id}/decision`, { body: { decision: "approve" } });
      const firstAnswer = decide(first);
      await waitingOnTheHead(1);
      // Past the first decision's transaction timeout (5 s): the order of events, not a measurement.
      await new Promise((r) => setTimeout(r, 5_500));
      const secondAnswer = decide(second);
      await waitingOnTheHead(2);
      await locker.query("ROLLBACK");
      const [refused, approved] = await timed(15_000, () => Promise.all([firstAnswer, secondAnswer]));
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe("unavailable");
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe("approved");
    } finally {
      await Promise.all([locker.end(), watcher.end()]);
    }
    // Nothing of the refused decision was kept: it can be made again, and the chain verifies.
    expect((await api(dashboard, alice, `/api/approvals/${first}`)).body.status).toBe("pending");
    expect((await api(dashboard, alice, `/api/approvals/${first}/decision`, { body: { decision: "approve" } })).status).toBe(200);
    expect(() => dashboard.cli("audit", "verify")).not.toThrow();
  });
});

describe("the database client reopened under load", () => {
  it("PostgreSQL: a health probe that times out reopens the client, and a decision in flight on the old one still completes", async (ctx) => {
    if (dashboard.database.provider !== "postgresql") ctx.skip();
    // A slow database (a row lock queue under load) can make /api/health's write probe time out (3 s),
    // which reopens the client. The transactions still running on the old client are not broken:
    // they were answered 500 or 503 when the old pool was closed under them at once.
    const id = await held(6);
    const url = new URL(dashboard.env.DATABASE_URL!);
    const locker = new pg.Client({ connectionString: url.toString() });
    const watcher = new pg.Client({ connectionString: url.toString() });
    await Promise.all([locker.connect(), watcher.connect()]);
    const waitingOn = (table: string) =>
      waitFor(async () => {
        const { rows } = await watcher.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
          [`%${table}%`],
        );
        return rows[0].n >= 1 ? true : undefined;
      });
    try {
      const before = (await (await fetch(`${dashboard.url}/api/health`)).json()).database.reopened as number;
      await locker.query("BEGIN");
      // The probe's row and the audit chain's head, held from outside.
      await locker.query(
        `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('health.probe', 'held', now()) ON CONFLICT ("key") DO UPDATE SET "value" = 'held'`,
      );
      await locker.query(`UPDATE "AuditChainHead" SET "seq" = "seq" WHERE "id" = 1`);
      const health = fetch(`${dashboard.url}/api/health`);
      await waitingOn("Setting");
      const decision = api(dashboard, alice, `/api/approvals/${id}/decision`, { body: { decision: "approve" } });
      await waitingOn("AuditChainHead");
      const probed = await timed(10_000, () => health);
      expect(probed.status).toBe(503);
      expect((await probed.json()).database).toMatchObject({ reachable: true, writable: false, reopened: before + 1 });
      await locker.query("ROLLBACK");
      const approved = await timed(10_000, () => decision);
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe("approved");
    } finally {
      await Promise.all([locker.end(), watcher.end()]);
    }
    expect((await fetch(`${dashboard.url}/api/health`)).status).toBe(200);
    expect(() => dashboard.cli("audit", "verify")).not.toThrow();
  });
});
