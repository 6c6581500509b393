import pg from "pg";
import type { TestDatabase } from "./test-database";

/** SQL straight at a test database, bypassing Airlock (what an attacker with database access does). */
export interface RawSql {
  /** `$1, $2, …` placeholders on both databases. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openRawSql(database: TestDatabase): Promise<RawSql> {
  if (database.provider === "postgresql") {
    const client = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await client.connect();
    return {
      query: async (sql, params = []) => (await client.query(sql, params)).rows,
      close: () => client.end(),
    };
  }
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(database.env.DATABASE_URL.slice("file:".length));
  sqlite.pragma("busy_timeout = 5000");
  return {
    async query(sql, params = []) {
      const statement = sqlite.prepare(sql.replace(/\$\d+/g, "?"));
      const values = params.map((p) => (typeof p === "boolean" ? Number(p) : p));
      if (statement.reader) return statement.all(...values) as never;
      statement.run(...values);
      return [];
    },
    async close() {
      sqlite.close();
    },
  };
}
