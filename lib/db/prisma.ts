import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { dashboardLog } from "../observability/dashboard-log";
import { resolveDatabaseTarget } from "./database-url";
import { PrismaClient as PostgresClient } from "./generated/postgresql/index.js";
import { PrismaClient as SqliteClient } from "./generated/sqlite/index.js";

// Both generated clients expose the same model API (they come from one base
// schema), so the rest of the code is typed against one of them.
export type Db = SqliteClient;
export type { ApprovalRequest, AuditEvent, Bridge, Decision, Prisma, Rule, User } from "./generated/sqlite/index.js";
export { ApprovalStatus, Role, RuleAction } from "./generated/sqlite/index.js";

function createClient(): Db {
  const target = resolveDatabaseTarget();
  if (target.provider === "postgresql") {
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  }
  const client = new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: target.url }) });
  // WAL with synchronous=NORMAL: a commit no longer waits for an fsync of the log (better-sqlite3
  // runs on the event loop, so every fsync stalled every request). Still atomic and consistent;
  // a power loss (not a crash of the process) can lose the last commits. PostgreSQL is for
  // deployments that need more (README: Databases).
  void client.$queryRawUnsafe("PRAGMA synchronous = NORMAL").catch((error) => dashboardLog().error("could not set SQLite synchronous=NORMAL", error));
  return client;
}

// One client per process: Next's route bundles and the custom server share it
// through globalThis, and dev-mode reloads do not open new pools. It sits
// behind a holder so that a client wedged by a database failure can be
// replaced (see resetDatabaseClient) without every importer holding the old one.
const globalForDb = globalThis as unknown as { __airlockDbHolder?: { client: Db; resets: number; resetAt: number } };
globalForDb.__airlockDbHolder ??= { client: createClient(), resets: 0, resetAt: 0 };
const holder = globalForDb.__airlockDbHolder;

export const db: Db = new Proxy({} as Db, {
  get(_target, property) {
    const value = Reflect.get(holder.client, property);
    return typeof value === "function" ? value.bind(holder.client) : value;
  },
});

/**
 * How long a replaced PostgreSQL pool stays open for the transactions still running on it:
 * past Prisma's interactive transaction timeout (5 s), so each commits or times out on its own.
 */
const POSTGRES_DRAIN_MS = 10_000;

/**
 * Replaces the database client with a fresh one (a new SQLite connection or
 * PostgreSQL pool). After a write fails mid-transaction (a read-only or
 * deleted file, a full disk), better-sqlite3's adapter can keep its
 * transaction lock forever, and every later transaction would wait on it:
 * a new connection is the way out. New queries go to the new client at once.
 * The old one is closed in the background: a SQLite connection at once (it may
 * hold the file's write lock the new one needs), a PostgreSQL pool once the
 * transactions in flight on it are over (a slow database, a health probe that
 * timed out, is no reason to fail every decision in flight).
 */
export function resetDatabaseClient(reason: string): void {
  // Many requests fail at once in an outage: one new client a second is enough.
  if (Date.now() - holder.resetAt < 1_000) return;
  holder.resetAt = Date.now();
  const old = holder.client;
  holder.client = createClient();
  holder.resets++;
  dashboardLog().error(`database client reopened (${reason})`);
  const close = () => void old.$disconnect().catch(() => undefined);
  if (resolveDatabaseTarget().provider === "postgresql") setTimeout(close, POSTGRES_DRAIN_MS).unref();
  else close();
}

/** How many times the client was reopened since start (for /api/health). */
export const databaseResets = () => holder.resets;
