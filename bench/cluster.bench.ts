// npm run bench:cluster — held calls through one dashboard, and through three behind nginx.
//
// PostgreSQL only (DATABASE_URL=postgresql://…; several instances cannot share SQLite) and a
// Redis (REDIS_URL, default redis://127.0.0.1:6379), nginx installed; loopback only, bounded
// by BENCH_CLUSTER_CALLS (default 300) per setup. For each setup: BENCH_CLUSTER_BRIDGES (4)
// real bridges over stdio in front of the echo server, each with BENCH_CLUSTER_CONCURRENCY
// (4) agents' calls in flight, all held by one rule; a reviewer's socket hears each request
// and a reviewer decides it over REST (round robin over the instances, directly). Measured:
//   held calls per second   completed approved calls / wall time of the run
//   decision → upstream     from the reviewer hearing of the request (and sending the decision)
//                           to the echo server running the tool (it stamps the time; one
//                           machine, one clock), including any resending of a refused decision
// and counted from the database afterwards: lost (approved, never executed, or an agent's call
// that failed) and duplicated (more than one `executed` event for one request). Decisions
// answered 503 are counted apart from faults (any other answer, or none within 30 s); each
// instance's log is kept in BENCH_CLUSTER_LOG_DIR (default: a new directory under /tmp).
// Where the time goes, over the measured window: CPU per held call for each kind of process
// (bench/process-cpu.ts; PostgreSQL and Redis counted whole, other users included) with the
// machine's busy share, and what the run's PostgreSQL backends were doing (pg_stat_activity
// sampled every 50 ms: backends queued on a row lock, or holding a transaction open while
// the dashboard has not sent its next statement).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { io, type Socket } from "socket.io-client";
import webpush from "web-push";
import type { ApprovalSummary } from "../lib/realtime/events";
import { connectThroughBridge, textOf } from "../test/helpers/bridge-client";
import { api, type Dashboard, startDashboard } from "../test/helpers/dashboard";
import { type Nginx, startNginx } from "../test/helpers/nginx";
import { signIn } from "../test/helpers/session";
import { createTestDatabase } from "../test/helpers/test-database";
import { type CpuReport, startCpuSampling } from "./process-cpu";
import { summarise } from "./stats";

const CALLS = Number(process.env.BENCH_CLUSTER_CALLS ?? 300);
const BRIDGES = Number(process.env.BENCH_CLUSTER_BRIDGES ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CLUSTER_CONCURRENCY ?? 4);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PASSWORD = "correct horse battery staple";
const ECHO = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "test", "servers", "echo-server.ts")}`;
const LOG_DIR = process.env.BENCH_CLUSTER_LOG_DIR ?? mkdtempSync(join(tmpdir(), "airlock-bench-cluster-"));
mkdirSync(LOG_DIR, { recursive: true });
const now = () => performance.timeOrigin + performance.now();

function clusterEnv(): Record<string, string> {
  const vapid = webpush.generateVAPIDKeys();
  const pem = () => generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  return {
    REDIS_URL,
    AIRLOCK_REDIS_PREFIX: `airlock-bench-${randomBytes(4).toString("hex")}`,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    AIRLOCK_AUDIT_SIGNING_KEY: pem(),
    AIRLOCK_OAUTH_SIGNING_KEY: pem(),
    AIRLOCK_VAPID_PUBLIC_KEY: vapid.publicKey,
    AIRLOCK_VAPID_PRIVATE_KEY: vapid.privateKey,
  };
}

interface Result {
  setup: string;
  completed: number;
  seconds: number;
  p50: number;
  p99: number;
  lost: number;
  duplicated: number;
  /** Decisions answered 503 and sent again. */
  refusals: number;
  /** Decisions answered anything else but 200, or not at all within 30 s (each sent again). */
  faults: number;
  cpu: CpuReport;
  /** The database's backends for this run, per state and wait event: average count over the run (pg_stat_activity sampled). */
  waits: Map<string, number>;
}

const KINDS = ["dashboards", "bridges", "upstreams", "postgresql", "redis", "nginx", "bench"] as const;

/** Which kind of process this is, for the CPU accounting: ours by pid, the servers by name. */
function classifier(dashboards: Set<number>, bridges: Set<number>) {
  return (proc: { pid: number; comm: string }, parentKind: string | null): string | null => {
    if (proc.pid === process.pid) return "bench";
    if (dashboards.has(proc.pid) || parentKind === "dashboards") return "dashboards";
    if (bridges.has(proc.pid)) return "bridges";
    if (parentKind === "bridges" || parentKind === "upstreams") return "upstreams";
    if (proc.comm === "postgres") return "postgresql";
    if (proc.comm === "redis-server") return "redis";
    // Only the nginx this benchmark started (the bench's child and its workers), not the system's.
    if (proc.comm === "nginx" && (parentKind === "bench" || parentKind === "nginx")) return "nginx";
    return null;
  };
}

/**
 * Samples what this run's backends are doing every 50 ms: a backend waiting on a "Lock" is
 * queued behind another transaction's row lock (the audit chain's head); "idle in
 * transaction" holds its locks while the dashboard computes or is not scheduled.
 */
function startWaitSampling(connectionString: string) {
  const client = new pg.Client({ connectionString });
  const counts = new Map<string, number>();
  let samples = 0;
  let isStopped = false;
  const loop = (async () => {
    await client.connect();
    while (!isStopped) {
      const { rows } = await client.query<{ state: string; wait: string | null }>(
        `SELECT state, wait_event_type || ':' || wait_event AS wait FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
      );
      samples++;
      for (const { state, wait } of rows) {
        const key = `${state}${wait ? ` (${wait})` : ""}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop(): Promise<Map<string, number>> {
      isStopped = true;
      await loop.catch(() => undefined);
      await client.end().catch(() => undefined);
      return new Map([...counts].map(([key, n]) => [key, n / Math.max(1, samples)]));
    },
  };
}

async function run(setup: string, size: number): Promise<Result> {
  const database = await createTestDatabase();
  const env = size > 1 ? clusterEnv() : {};
  const instances: Dashboard[] = [];
  let nginx: Nginx | undefined;
  const sockets: Socket[] = [];
  const bridges: Awaited<ReturnType<typeof connectThroughBridge>>[] = [];
  const sql = new pg.Client({ connectionString: database.env.DATABASE_URL });
  try {
    for (let i = 0; i < size; i++) instances.push(await startDashboard({ database, env }));
    nginx = size > 1 ? await startNginx(instances.map((d) => d.port)) : undefined;
    const entry = nginx?.url ?? instances[0].url;
    await sql.connect();
    const admin = instances[0].addUser("admin@example.com", "admin");
    const rita = instances[0].addUser("rita@example.com", "reviewer", PASSWORD);
    const token = instances[0].cli("bridge-token", "create", "--name", "bench", "--new-tools", "enabled");
    const rule = { name: "hold stamps", match: { tool: "stamp" }, action: "require_approval", timeoutSeconds: 120 };
    if ((await api(instances[0], admin, "/api/rules", { body: rule })).status !== 201) throw new Error("cannot create the rule");

    // The reviewer's socket goes through the load balancer, as a browser's would.
    const cookie = await signIn(instances[0], "rita@example.com", PASSWORD);
    if (!cookie) throw new Error("the reviewer cannot sign in");
    const reviewer: Socket = io(entry, { transports: ["websocket"], extraHeaders: { cookie } });
    sockets.push(reviewer);
    await new Promise<void>((resolve, reject) => {
      reviewer.once("connect", () => resolve());
      reviewer.once("connect_error", reject);
    });
    const decidedAt = new Map<string, number>();
    let next = 0;
    // A refused decision (503: the database or Redis was busy or away) is sent again, as a reviewer would; counted.
    let refusals = 0;
    let faults = 0;
    const decide = async (id: string) => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const instance = instances[next++ % instances.length];
        const res = await fetch(`${instance.url}/api/approvals/${id}/decision`, {
          method: "POST",
          headers: { authorization: `Bearer ${rita}`, "content-type": "application/json" },
          body: JSON.stringify({ decision: "approve" }),
          signal: AbortSignal.timeout(30_000),
        }).catch((error: Error) => ({ status: 0, text: async () => error.message }));
        if (res.status === 200) return;
        // Sent again after a fault: a 409 says the earlier attempt was recorded after all.
        if (attempt > 0 && res.status === 409) return;
        if (res.status === 503) refusals++;
        else {
          faults++;
          process.stderr.write(`  decision refused: ${res.status} ${await res.text()}\n${instance.output().slice(-1500)}\n`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    reviewer.on("approval:created", (summary: ApprovalSummary) => {
      if (summary.tool !== "stamp" || !summary.prompt) return;
      decidedAt.set(summary.prompt, now());
      void decide(summary.id);
    });

    for (let i = 0; i < BRIDGES; i++) bridges.push(await connectThroughBridge({ upstreams: [`echo=${ECHO}`], dashboardUrl: entry, token }));
    process.stderr.write(`${setup}: ${CALLS} held calls, ${BRIDGES} bridges × ${CONCURRENCY} in flight…\n`);
    let issued = 0;
    let failed = 0;
    const toUpstream: number[] = [];
    // Warm-up: two calls per bridge, one at a time, not measured (first requests load each route's code).
    for (const bridge of bridges) {
      for (let i = 0; i < 2; i++)
        await bridge.client.callTool({ name: "stamp", arguments: { note: `warm-${i}` }, _meta: { "airlock/prompt": `warm-${bridges.indexOf(bridge)}-${i}` } });
    }
    const sampling = startCpuSampling(classifier(new Set(instances.map((d) => d.pid)), new Set(bridges.map((b) => b.pid()!))));
    const waitSampling = startWaitSampling(database.env.DATABASE_URL!);
    const started = now();
    const agent = async (bridge: (typeof bridges)[number]) => {
      while (issued < CALLS) {
        const note = `call-${issued++}`;
        const outcome = await bridge.client
          .callTool({ name: "stamp", arguments: { note }, _meta: { "airlock/prompt": note } }, undefined, { timeout: 120_000 })
          .catch(() => null);
        if (!outcome || outcome.isError) {
          failed++;
          continue;
        }
        toUpstream.push(Number(textOf(outcome)) - decidedAt.get(note)!);
      }
    };
    await Promise.all(bridges.flatMap((bridge) => Array.from({ length: CONCURRENCY }, () => agent(bridge))));
    const seconds = (now() - started) / 1000;
    const cpu = sampling.stop();
    const waits = await waitSampling.stop();
    // Let the last results' reports land before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const counts = await sql.query<{ approved: string; executed: string; duplicated: string }>(`
      SELECT count(*) FILTER (WHERE n = 0) AS approved, count(*) FILTER (WHERE n >= 1) AS executed, count(*) FILTER (WHERE n > 1) AS duplicated
      FROM (SELECT a.id, (SELECT count(*) FROM "AuditEvent" e WHERE e."approvalId" = a.id AND e.kind = 'executed') AS n
            FROM "ApprovalRequest" a WHERE a."ruleName" = 'hold stamps') t`);
    const { approved, duplicated } = counts.rows[0];
    const { p50, p99 } = summarise(toUpstream);
    return {
      setup,
      completed: toUpstream.length,
      seconds,
      p50,
      p99,
      lost: failed + Number(approved),
      duplicated: Number(duplicated),
      refusals,
      faults,
      cpu,
      waits,
    };
  } finally {
    for (const bridge of bridges) await bridge.close().catch(() => undefined);
    for (const socket of sockets) socket.close();
    await sql.end().catch(() => undefined);
    await nginx?.stop();
    for (const instance of instances) await instance.kill();
    // Each instance's log is kept (a fault is read there afterwards).
    for (const [i, instance] of instances.entries()) writeFileSync(join(LOG_DIR, `${setup.replaceAll(" ", "-")}-${i}.log`), instance.output());
    await database.drop();
  }
}

async function main() {
  if (!/^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? ""))
    throw new Error("bench:cluster needs DATABASE_URL=postgresql://… (several instances cannot share SQLite)");
  const results = [await run("one instance", 1), await run("three behind nginx", 3)];
  process.stderr.write(`dashboard logs: ${LOG_DIR}\n`);
  console.log(`\nairlock bench:cluster — ${CALLS} held calls per setup, ${BRIDGES} bridges × ${CONCURRENCY} in flight, PostgreSQL, reviewer decides at once\n`);
  console.log(
    `${"setup".padEnd(20)} ${"held/s".padStart(8)} ${"dec→up p50".padStart(12)} ${"dec→up p99".padStart(12)} ${"lost".padStart(6)} ${"dup".padStart(5)} ${"503s".padStart(6)} ${"faults".padStart(7)}`,
  );
  for (const r of results) {
    console.log(
      `${r.setup.padEnd(20)} ${(r.completed / r.seconds).toFixed(1).padStart(8)} ${`${r.p50.toFixed(1)} ms`.padStart(12)} ${`${r.p99.toFixed(1)} ms`.padStart(12)} ${String(r.lost).padStart(6)} ${String(r.duplicated).padStart(5)} ${String(r.refusals).padStart(6)} ${String(r.faults).padStart(7)}`,
    );
  }
  // Where the CPU went: milliseconds per completed held call per kind, and each kind's share of one core over the run.
  console.log(`\nCPU per held call (ms), and % of one core over the run`);
  console.log(`${"setup".padEnd(20)} ${KINDS.map((k) => k.padStart(12)).join(" ")} ${"machine busy".padStart(14)}`);
  for (const r of results) {
    const cells = KINDS.map((kind) => {
      const seconds = r.cpu.cpu.get(kind) ?? 0;
      return `${((seconds * 1000) / r.completed).toFixed(1)} ${Math.round((100 * seconds) / r.cpu.seconds)}%`.padStart(12);
    });
    console.log(`${r.setup.padEnd(20)} ${cells.join(" ")} ${`${Math.round(100 * r.cpu.machineBusy)}% of ${r.cpu.cores}`.padStart(14)}`);
  }
  // What the run's database backends were doing (average count at a sample): lock waits are queueing on a row lock.
  console.log(`\nPostgreSQL backends of the run, average count per state (wait event), sampled every 50 ms`);
  for (const r of results) {
    const waits = [...r.waits].sort((a, b) => b[1] - a[1]).map(([key, n]) => `${key} ${n.toFixed(2)}`);
    console.log(`${r.setup.padEnd(20)} ${waits.join("; ")}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
