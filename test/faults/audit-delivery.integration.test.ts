// Nothing is lost from the audit trail when the dashboard goes away under load: the bridge
// keeps serving allowed calls from its policy, keeps their events (buffered, and spooled to
// disk), and delivers them once the dashboard is back; each lands exactly once (the events
// carry the bridge's ids), and the chain still verifies.
import { afterAll, beforeAll, expect, it } from "vitest";
import { COUNTER_SERVER, connectThroughBridge } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

let dashboard: Dashboard;
let admin: string;
let auditor: string;
let bridgeToken: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
  auditor = dashboard.addUser("audrey@example.com", "auditor");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "delivery-laptop", "--new-tools", "enabled");
  await afterBlockingCalls();
  expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] } } })).status).toBe(200);
});

afterAll(async () => {
  await dashboard?.stop();
});

async function allowedIncrements(): Promise<{ id: string; seq: number }[]> {
  const { body } = await api(dashboard, auditor, "/api/audit/export?format=json&kind=allowed&tool=increment");
  return body.events;
}

it("delivers every event of calls made while the dashboard was down, exactly once, and the chain verifies", async () => {
  const bridge = await connectThroughBridge({ upstreams: [COUNTER_SERVER], dashboardUrl: dashboard.url, token: bridgeToken });
  const PER_PHASE = 25;
  const burst = () => Promise.all(Array.from({ length: PER_PHASE }, () => bridge.client.callTool({ name: "increment", arguments: { by: 1 } })));
  try {
    await bridge.client.listTools();
    for (const result of await burst()) expect(result.isError).toBeFalsy();
    const { port, database } = dashboard;
    // Killed while the first burst's events may still be on their way.
    await dashboard.kill();
    for (const result of await burst()) expect(result.isError).toBeFalsy();
    dashboard = await startDashboard({ port, database });
    for (const result of await burst()) expect(result.isError).toBeFalsy();

    const events = await waitFor(
      async () => {
        const events = await allowedIncrements();
        return events.length >= 3 * PER_PHASE ? events : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    // A moment more: a late duplicate would show now.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await allowedIncrements()).length).toBe(3 * PER_PHASE);
    expect(new Set(events.map((e) => e.id)).size).toBe(3 * PER_PHASE);
    const { body } = await api(dashboard, auditor, "/api/audit/verify");
    expect(body).toMatchObject({ ok: true, problems: [] });
  } finally {
    await bridge.close();
  }
});
