// npm run bench:export — the audit trail at size: export, verify, and what the chain costs.
//
// Seeds BENCH_EXPORT_EVENTS (1,000,000) chained events into a fresh database (SQLite, or
// PostgreSQL with DATABASE_URL) through the same append the dashboard uses, starts the real
// dashboard on it, and measures:
//   export            each format over HTTP, whole trail: seconds, and the dashboard's peak
//                     RSS while it streams (sampled from /proc every 50 ms), and
//                     GET /api/health's p99 meanwhile (does the export stall the dashboard?)
//   verify            `airlock audit verify` over the whole chain, and `--file` over the NDJSON
//   append            one event appended in its own transaction, chained (lock the head,
//                     hash, insert, move the head) against a plain insert of the same row:
//                     the difference is what the chain adds to the held path
// Targets (issue 11): export ≤ 60 s and ≤ 256 MB peak RSS; verify ≤ 30 s; append ≤ +1 ms p50.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AIRLOCK_BIN, startDashboard } from "../test/helpers/dashboard";
import { createTestDatabase } from "../test/helpers/test-database";
import { summarise } from "./stats";

const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const SEED_BATCH = 2_000;
const APPENDS = 1_000;
const FORMATS = ["csv", "json", "ndjson"] as const;
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

function event(i: number) {
  const kinds = ["allowed", "allowed", "allowed", "denied", "held"];
  return {
    sourceId: randomUUID(),
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    kind: kinds[i % kinds.length],
    sessionId: `session-${i % 500}`,
    server: i % 2 ? "filesystem" : "mail",
    tool: i % 2 ? "read_file" : "send_email",
    argumentsHash: "ab".repeat(32),
    ruleName: "read-only tools pass",
    policyVersion: 1,
    latencyMs: (i % 97) / 10,
    principal: `user${i % 50}@example.com`,
    arguments: { path: `/srv/data/report-${i}.csv`, limit: i % 100 },
    detail: { reason: "matched" },
  };
}

async function main() {
  const database = await createTestDatabase();
  Object.assign(process.env, database.env);
  const { migrateDatabase } = await import("../lib/db/migrate");
  await migrateDatabase();
  const { db } = await import("../lib/db/prisma");
  const { appendAudit } = await import("../lib/audit/chain");

  process.stderr.write(`seeding ${EVENTS.toLocaleString("en")} chained events into ${database.provider}…\n`);
  const seedStart = performance.now();
  for (let done = 0; done < EVENTS; ) {
    const n = Math.min(SEED_BATCH, EVENTS - done);
    await db.$transaction((tx) =>
      appendAudit(
        tx,
        Array.from({ length: n }, (_, k) => event(done + k)),
      ),
    );
    done += n;
    if (done % 100_000 === 0 || done === EVENTS)
      process.stderr.write(`  ${done.toLocaleString("en")} (${((performance.now() - seedStart) / 1000).toFixed(0)} s)\n`);
  }

  // Append cost: chained against a plain insert of the same row, alternating, same connection.
  const chained: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const e = event(EVENTS + i);
    let t = performance.now();
    await db.$transaction((tx) => appendAudit(tx, [e]));
    chained.push(performance.now() - t);
    t = performance.now();
    await db.$transaction((tx) => tx.auditEvent.create({ data: { ...e, sourceId: randomUUID() } }));
    plain.push(performance.now() - t);
  }
  // The baseline's rows are outside the chain: `audit verify` would rightly name them.
  await db.auditEvent.deleteMany({ where: { seq: null } });
  await db.$disconnect();

  process.stderr.write("starting the dashboard (needs `npm run build` first)…\n");
  const dashboard = await startDashboard({ database });
  const token = dashboard.addUser("auditor@example.com", "auditor");
  const dir = mkdtempSync(join(tmpdir(), "airlock-export-bench-"));
  const results: Record<string, unknown>[] = [];
  // What the dashboard holds before any export: the figure an export's peak is read against.
  await fetch(`${dashboard.url}/api/health`);
  const idleRss = rssOf(dashboard.pid);
  results.push({ what: "dashboard idle", "peak RSS MB": Math.round(idleRss / MB) });
  try {
    for (const format of FORMATS) {
      const file = join(dir, `trail.${format}`);
      let peak = rssOf(dashboard.pid);
      const health: number[] = [];
      let isDone = false;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(dashboard.pid))), 50);
      const prober = (async () => {
        while (!isDone) {
          const t = performance.now();
          await fetch(`${dashboard.url}/api/health`).then((r) => r.arrayBuffer());
          health.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const start = performance.now();
      const res = await fetch(`${dashboard.url}/api/audit/export?format=${format}`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok || !res.body) throw new Error(`export ${format}: HTTP ${res.status}`);
      await pipeline(Readable.fromWeb(res.body as never), createWriteStream(file));
      const seconds = (performance.now() - start) / 1000;
      isDone = true;
      await prober;
      clearInterval(sampler);
      results.push({
        what: `export ${format}`,
        seconds: +seconds.toFixed(1),
        "peak RSS MB": Math.round(peak / MB),
        "file MB": Math.round(statSync(file).size / MB),
        "health p99 ms": +summarise(health).p99.toFixed(1),
      });
      process.stderr.write(`  export ${format}: ${seconds.toFixed(1)} s\n`);
    }
    let t = performance.now();
    const verified = spawnSync(process.execPath, [AIRLOCK_BIN, "audit", "verify"], { env: dashboard.env, encoding: "utf8" });
    results.push({
      what: "audit verify (database)",
      seconds: +((performance.now() - t) / 1000).toFixed(1),
      status: verified.status,
      out: verified.stdout.trim().slice(0, 120),
    });
    t = performance.now();
    const offline = spawnSync(process.execPath, [AIRLOCK_BIN, "audit", "verify", "--file", join(dir, "trail.ndjson")], {
      env: dashboard.env,
      encoding: "utf8",
    });
    results.push({
      what: "audit verify --file",
      seconds: +((performance.now() - t) / 1000).toFixed(1),
      status: offline.status,
      out: offline.stdout.trim().slice(0, 120),
    });
  } finally {
    await dashboard.stop();
  }
  const c = summarise(chained);
  const p = summarise(plain);
  console.log(`\nAudit trail at ${EVENTS.toLocaleString("en")} events on ${database.provider}`);
  console.table(results);
  console.table([
    { what: "append, chained (ms)", p50: +c.p50.toFixed(3), p99: +c.p99.toFixed(3) },
    { what: "insert, plain (ms)", p50: +p.p50.toFixed(3), p99: +p.p99.toFixed(3) },
    { what: "the chain adds (ms)", p50: +(c.p50 - p.p50).toFixed(3), p99: +(c.p99 - p.p99).toFixed(3) },
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
