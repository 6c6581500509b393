// Rules with real parts: CEL conditions decide which calls are held, rule changes
// reach a running bridge without a restart, and bad rules are refused with a position.
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let bridgeToken: string;
const workspace = mkdtempSync(join(tmpdir(), "airlock-policy-"));
const inbox = join(workspace, "inbox");
mkdirSync(inbox);

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "policy-laptop", "--new-tools", "enabled");
});
afterAll(async () => dashboard?.stop());

async function pendingFor(tool: string) {
  const { body } = await api(dashboard, admin, "/api/approvals?status=pending");
  return body.items.find((a: { tool: string }) => a.tool === tool) as { id: string } | undefined;
}

describe("a fresh install", () => {
  it("holds what the detectors flag first, lets read-only tools through and holds the rest", async () => {
    const { body } = await api(dashboard, admin, "/api/rules");
    expect(body.default).toBe("require_approval");
    expect(body.rules).toMatchObject([
      { name: "Hold results that carry a prompt injection", on: "result", action: "hold_result" },
      { name: "Hold secrets, personal data or injected text sent out", action: "require_approval", when: expect.stringContaining("signals.args") },
      { name: "Hold sends from a session that read private data and untrusted content", when: "session.tainted && tool.role.sink" },
      { name: "read-only tools pass", match: { annotations: { readOnlyHint: true } }, action: "allow" },
    ]);
  });
});

describe("rules", () => {
  it("refuses an invalid CEL expression with its position, and saves nothing", async () => {
    const res = await api(dashboard, admin, "/api/rules", {
      body: { name: "broken", match: { tool: "*write_file" }, when: 'args.path.startsWith("/x"', action: "require_approval" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/^body\.when: invalid CEL expression/);
    expect(res.body.error.message).toContain("^");
    const { body } = await api(dashboard, admin, "/api/rules");
    expect(body.rules.map((r: { name: string }) => r.name)).not.toContain("broken");
  });

  it("holds only the writes outside the inbox, and a new rule reaches the running bridge", async () => {
    const condition = `!args.path.startsWith(${JSON.stringify(`${inbox}/`)})`;
    for (const rule of [
      { name: "hold writes outside the inbox", match: { tool: "*write_file" }, when: condition, action: "require_approval", timeoutSeconds: 60 },
      { name: "other writes pass", match: { tool: "*write_file" }, action: "allow" },
    ]) {
      expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
    }
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const inside = await bridge.client.callTool({ name: "write_file", arguments: { path: join(inbox, "a.txt"), content: "in" } });
      expect(inside.isError).toBeFalsy();
      expect(existsSync(join(inbox, "a.txt"))).toBe(true);

      const outsidePath = join(workspace, "b.txt");
      const outside = bridge.client.callTool({ name: "write_file", arguments: { path: outsidePath, content: "out" } });
      const held = await waitFor(() => pendingFor("write_file"));
      const { body: detail } = await api(dashboard, admin, `/api/approvals/${held.id}`);
      expect(detail.ruleName).toBe("hold writes outside the inbox");
      await api(dashboard, admin, `/api/approvals/${held.id}/decision`, { body: { decision: "reject", comment: "outside the inbox" } });
      expect((await outside).isError).toBe(true);
      expect(existsSync(outsidePath)).toBe(false);

      // create_directory is not read-only: the default holds it until a rule says otherwise.
      await api(dashboard, admin, "/api/rules", { body: { name: "directories pass", match: { tool: "create_directory" }, action: "allow" } });
      const dir = join(workspace, "made-by-agent");
      await waitFor(
        async () => {
          const call = bridge.client.callTool({ name: "create_directory", arguments: { path: dir } });
          // Until the bridge has the new rule, the call is held: refuse it and try again.
          const outcome = await Promise.race([
            call.then((r) => ({ r })),
            waitFor(() => pendingFor("create_directory"), { timeoutMs: 3000 }).then((p) => ({ p })),
          ]);
          if ("p" in outcome) {
            await api(dashboard, admin, `/api/approvals/${outcome.p.id}/decision`, { body: { decision: "reject" } });
            await call;
            return undefined;
          }
          return outcome.r.isError ? undefined : outcome.r;
        },
        { timeoutMs: 20_000 },
      );
      expect(existsSync(dir)).toBe(true);
      expect(textOf(await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} }))).toContain(workspace);
    } finally {
      await bridge.close();
    }
  });
});
