import { defineConfig } from "vitest/config";

// `npm test` runs both projects. Unit tests are fast and need nothing; integration
// and browser tests start the real dashboard (built once by test/global-setup.ts),
// the real bridge and real MCP servers, on SQLite or, with DATABASE_URL, PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "mcp-bridge/**/*.test.ts", "test/helpers/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["**/*.integration.test.ts", "e2e/**/*.e2e.test.ts"],
          exclude: ["node_modules/**", ".next/**"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // The integration files share one built dashboard and spawn processes; one at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
