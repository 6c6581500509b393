// The inventory under concurrency, on the real database: a bridge's report and an
// admin's decision about the same tool may run at the same moment (on PostgreSQL
// truly in parallel). Neither may silently undo the other.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database";

let database: TestDatabase;
let inventory: typeof import("../../lib/tools/inventory");
let db: typeof import("../../lib/db/prisma").db;

beforeAll(async () => {
  database = await createTestDatabase();
  Object.assign(process.env, database.env);
  const { migrateDatabase } = await import("../../lib/db/migrate");
  const { resolveDatabaseTarget } = await import("../../lib/db/database-url");
  await migrateDatabase(resolveDatabaseTarget());
  ({ db } = await import("../../lib/db/prisma"));
  inventory = await import("../../lib/tools/inventory");
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

describe("reports and decisions at the same moment", () => {
  it("never lose an admin's decision, over many rounds", async () => {
    const bridge = await db.bridge.create({ data: { name: "race", tokenHash: "race-hash", prefix: "alk_brg_race" } });
    const admin = await db.user.create({ data: { email: "admin@example.com", passwordHash: "x", role: "admin" } });
    const actor = { id: admin.id, email: admin.email, role: "admin" };
    const report = (tool: Tool) => inventory.reportTools(bridge, { server: "srv", kind: "tool", tools: [tool] });
    for (let round = 0; round < 25; round++) {
      const tool: Tool = { name: `tool_${round}`, description: "Does a thing.", inputSchema: { type: "object" } };
      const [{ status: first }] = await report(tool);
      expect(first).toBe("pending");
      const row = await db.tool.findUniqueOrThrow({ where: { server_kind_name: { server: "srv", kind: "tool", name: tool.name } } });
      const action = round % 2 ? "enable" : "disable";
      // Several reports race the decision (bridges re-list tools on every tools/list).
      await Promise.all([inventory.decideTool({ id: row.id, action, definitionHash: row.definitionHash, actor }), report(tool), report(tool), report(tool)]);
      const after = await db.tool.findUniqueOrThrow({ where: { id: row.id } });
      expect(after.status).toBe(action === "enable" ? "enabled" : "disabled");
      const [{ status: reported }] = await report(tool);
      expect(reported).toBe(after.status);
    }
  });
});
