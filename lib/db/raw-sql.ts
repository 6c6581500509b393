import { resolveDatabaseTarget } from "./database-url";

// Memoised on DATABASE_URL's value: raw statements ask on every query, and resolving the
// target creates (mkdir + chmod) the data dir when DATABASE_URL is unset. A changed
// DATABASE_URL (tests set it) is resolved afresh.
let provider: { url: string | undefined; isPostgres: boolean } | null = null;

export function isPostgres(): boolean {
  const url = process.env.DATABASE_URL;
  if (!provider || provider.url !== url) provider = { url, isPostgres: resolveDatabaseTarget(url).provider === "postgresql" };
  return provider.isPostgres;
}

/** `$1, $2` placeholders as each database's raw queries take them (SQLite: `?`, in order of appearance). */
export const placeholders = (sql: string) => (isPostgres() ? sql : sql.replace(/\$\d+/g, "?"));

/** `$first, …` for a list of n values, to use in `IN (…)`. */
export const parameterList = (n: number, first = 1) => Array.from({ length: n }, (_, i) => `$${first + i}`).join(", ");

/** A JSON value as a raw query's parameter `$n`: text on SQLite (how Prisma stores Json there), jsonb on PostgreSQL. */
export const jsonPlaceholder = (n: number) => (isPostgres() ? `CAST($${n} AS jsonb)` : `$${n}`);

/** A value for a jsonPlaceholder: its JSON text, or SQL NULL for null/undefined (Prisma's DbNull, as `undefined` writes). */
export const jsonParam = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));
