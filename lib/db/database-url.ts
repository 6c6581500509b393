import { chmodSync, mkdirSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

export type TDatabaseProvider = "sqlite" | "postgresql";

export interface DatabaseTarget {
  provider: TDatabaseProvider;
  /** The URL Prisma's driver adapter connects to. */
  url: string;
}

/** The repository root (this file lives in lib/db). */
export const ROOT_DIR = resolve(import.meta.dirname ?? __dirname, "..", "..");

/**
 * Where the embedded database and the generated secret live (`AIRLOCK_DATA_DIR`).
 * Owner-only (0700), also when it already existed with a wider mode: nobody else on
 * the machine may list, read or replace what is in it.
 */
export function dataDir(): string {
  const dir = process.env.AIRLOCK_DATA_DIR ? resolve(process.env.AIRLOCK_DATA_DIR) : join(ROOT_DIR, "data");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * Reads `DATABASE_URL`: `postgres://` / `postgresql://` selects PostgreSQL,
 * `file:` selects SQLite; unset means the embedded SQLite file in the data dir.
 */
export function resolveDatabaseTarget(raw = process.env.DATABASE_URL): DatabaseTarget {
  if (!raw) return { provider: "sqlite", url: `file:${join(dataDir(), "airlock.db")}` };
  if (/^postgres(ql)?:\/\//.test(raw)) return { provider: "postgresql", url: raw };
  if (raw.startsWith("file:")) {
    const path = raw.slice("file:".length);
    return { provider: "sqlite", url: `file:${isAbsolute(path) ? path : resolve(path)}` };
  }
  throw new Error(`DATABASE_URL must start with file:, postgres:// or postgresql:// (got "${raw.split(":")[0]}:…")`);
}
