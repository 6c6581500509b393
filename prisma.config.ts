// Prisma CLI configuration. The JavaScript schema engine (`engine: "js"`) runs
// migrations through the same driver adapters the app uses, so no engine
// binary is downloaded. DATABASE_URL picks the provider (see lib/db/database-url.ts).
import { defineConfig } from "prisma/config";
import { resolveDatabaseTarget } from "./lib/db/database-url";

const target = resolveDatabaseTarget();
// The rendered schemas read env("DATABASE_URL"); give them the resolved one.
process.env.DATABASE_URL = target.url;

export default defineConfig({
  schema: `prisma/${target.provider}/schema.prisma`,
  migrations: { path: `prisma/${target.provider}/migrations` },
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    if (target.provider === "postgresql") {
      const { PrismaPg } = await import("@prisma/adapter-pg");
      return new PrismaPg({ connectionString: target.url });
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: target.url });
  },
});
