import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/index.js";
import { PrismaClient as PostgresClient } from "./generated/postgresql/index.js";
import { resolveDatabaseTarget } from "./database-url";

// Both generated clients expose the same model API (they come from one base
// schema), so the rest of the code is typed against one of them.
export type Db = SqliteClient;
export type { Prisma } from "./generated/sqlite/index.js";
export { Role, RuleAction, ApprovalStatus } from "./generated/sqlite/index.js";
export type { User, Rule, ApprovalRequest, Decision, AuditEvent, Bridge } from "./generated/sqlite/index.js";

function createClient(): Db {
  const target = resolveDatabaseTarget();
  if (target.provider === "postgresql") {
    return new PostgresClient({ adapter: new PrismaPg({ connectionString: target.url }) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: target.url }) });
}

// One client per process: Next's route bundles and the custom server share it
// through globalThis, and dev-mode reloads do not open new pools.
const globalForDb = globalThis as unknown as { __airlockDb?: Db };

export const db: Db = globalForDb.__airlockDb ?? (globalForDb.__airlockDb = createClient());
