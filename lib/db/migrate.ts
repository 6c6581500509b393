import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type DatabaseTarget, ROOT_DIR, resolveDatabaseTarget } from "./database-url";
import { restrictSqliteFiles } from "./file-permissions";

// Applies the migrations that Prisma generated (prisma/<provider>/migrations/*/migration.sql).
//
// Why not `prisma migrate deploy`: with `engine: "js"` Prisma 6.19's schema engine
// cannot read PostgreSQL's `name` columns through @prisma/adapter-pg
// (prisma/orm#27403), so deploy fails on PostgreSQL. The files stay Prisma's;
// only applying them is done here, one transaction per migration, with a
// checksum so an edited, already-applied migration is refused.

const TABLE = "_airlock_migrations";
const PG_LOCK_KEY = 0x41_49_52_4c; // "AIRL": serialises concurrent starts

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(provider: DatabaseTarget["provider"]): Migration[] {
  const dir = join(ROOT_DIR, "prisma", provider, "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkApplied(applied: Map<string, string>, migrations: Migration[]): Migration[] {
  for (const m of migrations) {
    const sum = applied.get(m.name);
    if (sum && sum !== m.checksum) {
      throw new Error(`Migration ${m.name} was changed after it was applied (checksum mismatch); refusing to continue.`);
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}

async function migrateSqlite(url: string, migrations: Migration[]): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const path = url.slice("file:".length);
  // Every start and every CLI command passes here first: the file is private before anything is written to it.
  restrictSqliteFiles(path);
  const sqlite = new Database(path);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const rows = sqlite.prepare(`SELECT name, checksum FROM ${TABLE}`).all() as { name: string; checksum: string }[];
    const pending = checkApplied(new Map(rows.map((r) => [r.name, r.checksum])), migrations);
    for (const m of pending) {
      sqlite.transaction(() => {
        sqlite.exec(m.sql);
        sqlite.prepare(`INSERT INTO ${TABLE} (name, checksum, applied_at) VALUES (?, ?, ?)`).run(m.name, m.checksum, new Date().toISOString());
      })();
    }
    return pending.map((m) => m.name);
  } finally {
    sqlite.close();
    restrictSqliteFiles(path);
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`);
    const pending = checkApplied(new Map(rows.map((r) => [r.name, r.checksum])), migrations);
    for (const m of pending) {
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum) VALUES ($1, $2)`, [m.name, m.checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    }
    return pending.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** Brings the database up to date; returns the names of the migrations it applied. */
export async function migrateDatabase(target: DatabaseTarget = resolveDatabaseTarget()): Promise<string[]> {
  const migrations = listMigrations(target.provider);
  try {
    return target.provider === "postgresql" ? await migratePostgres(target.url, migrations) : await migrateSqlite(target.url, migrations);
  } catch (error) {
    throw new Error(`Database migration failed (${target.provider}): ${(error as Error).message}`, { cause: error });
  }
}
