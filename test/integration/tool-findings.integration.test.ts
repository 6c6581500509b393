// A poisoned tool meets the definition detectors with real parts: a real MCP server
// behind the real bridge, the dashboard's inventory and its audit trail. Even a
// bridge that trusts new tools does not enable it, and an admin can enable it only
// by acknowledging what was found.
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../helpers/bridge-client";
import { api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

const POISONED = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "poisoned-server.ts")}`;
let dashboard: Dashboard;
let admin: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] } } });
});
afterAll(async () => {
  await dashboard?.stop();
});

it("keeps a poisoned tool from reaching the model, shows why, and records the admin's acknowledgement", async () => {
  const token = dashboard.cli("bridge-token", "create", "--name", "trusting-laptop", "--new-tools", "enabled");
  const bridge = await connectThroughBridge({ upstreams: [`calc=${POISONED}`], dashboardUrl: dashboard.url, token });
  try {
    // The honest tool is trusted as the bridge says; the poisoned one waits for an admin.
    expect((await bridge.client.listTools()).tools.map((t) => t.name)).toEqual(["multiply"]);
    const rows = await waitFor(async () => {
      const items = (await api(dashboard, admin, "/api/tools")).body.items as { id: string; name: string; status: string; finding: string | null }[];
      return items.length === 2 ? items : undefined;
    });
    expect(rows.map((r) => [r.name, r.status, r.finding])).toEqual([
      ["add", "pending", "high"],
      ["multiply", "enabled", null],
    ]);

    const add = rows[0]!;
    const { body: detail } = await api(dashboard, admin, `/api/tools/${add.id}`);
    const detectors = new Set(detail.findings.map((f: { detector: string }) => f.detector));
    expect(detectors).toEqual(new Set(["hidden-instructions", "sensitive-paths"]));
    expect(detail.findings[0]).toMatchObject({ severity: "high", location: "description" });

    // Enabling it silently is refused; with the acknowledgement it is enabled, and the audit trail says what was acknowledged.
    const silent = await api(dashboard, admin, `/api/tools/${add.id}/decision`, { body: { action: "enable", definitionHash: detail.definitionHash } });
    expect(silent.status).toBe(409);
    expect(silent.body.error.message).toContain("acknowledgeFindings");
    const acknowledged = await api(dashboard, admin, `/api/tools/${add.id}/decision`, {
      body: { action: "enable", definitionHash: detail.definitionHash, acknowledgeFindings: true },
    });
    expect(acknowledged.status).toBe(200);
    const { body: audit } = await api(dashboard, admin, "/api/audit/export?format=json");
    const discovered = audit.events.find((e: { kind: string; tool: string }) => e.kind === "tool_discovered" && e.tool === "add");
    expect(discovered.detail).toMatchObject({ status: "pending", note: "held for an admin's review: high findings" });
    const enabled = audit.events.find((e: { kind: string; tool: string }) => e.kind === "tool_enabled" && e.tool === "add");
    expect(enabled).toMatchObject({ actor: "admin@example.com" });
    expect(enabled.detail.acknowledgedFindings.length).toBeGreaterThan(0);
  } finally {
    await bridge.close();
  }
});
