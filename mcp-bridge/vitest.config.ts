import { defineConfig } from "vitest/config";

// The bridge's own suite: unit and integration tests that need no built dashboard
// (the integration tests use an in-test stub dashboard), so no globalSetup here.
// Run: npx vitest run --config mcp-bridge/vitest.config.ts
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
    testTimeout: 30_000,
  },
});
