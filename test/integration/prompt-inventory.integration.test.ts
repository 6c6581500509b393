// Prompts and resource templates join the tool inventory, with real parts: a real MCP
// server behind the real bridge and the dashboard. They reach the client only once an
// admin enables them, a prompt asked for by name is refused until then, and a poisoned
// prompt is enabled only with an acknowledgement of its findings.
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../helpers/bridge-client";
import { api, type Dashboard, startDashboard, waitFor } from "../helpers/dashboard";

const POISONED = `calc=${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "poisoned-server.ts")}`;
let dashboard: Dashboard;
let admin: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin");
});
afterAll(async () => {
  await dashboard?.stop();
});

type TRow = { id: string; kind: string; name: string; status: string; finding: string | null };

it("lists prompts and templates only once enabled, refuses a prompt by name until then, and guards a poisoned prompt", async () => {
  const token = dashboard.cli("bridge-token", "create", "--name", "prompt-laptop");
  const bridge = await connectThroughBridge({ upstreams: [POISONED], dashboardUrl: dashboard.url, token });
  try {
    expect((await bridge.client.listPrompts()).prompts).toEqual([]);
    expect((await bridge.client.listResourceTemplates()).resourceTemplates).toEqual([]);
    await expect(bridge.client.getPrompt({ name: "code_review", arguments: { diff: "+x" } })).rejects.toThrow(/code_review is new and not enabled yet/);

    const rows = await waitFor(async () => {
      const items = (await api(dashboard, admin, "/api/tools")).body.items as TRow[];
      return items.filter((r) => r.kind !== "tool").length === 3 ? items.filter((r) => r.kind !== "tool") : undefined;
    });
    expect(rows.map((r) => [r.kind, r.name, r.status, r.finding])).toEqual([
      ["prompt", "code_review", "pending", null],
      ["resource_template", "notes://{id}", "pending", null],
      ["prompt", "summarize", "pending", "high"],
    ]);

    const enable = async (row: TRow, acknowledgeFindings?: boolean) => {
      const { body } = await api(dashboard, admin, `/api/tools/${row.id}`);
      return api(dashboard, admin, `/api/tools/${row.id}/decision`, {
        body: { action: "enable", definitionHash: body.definitionHash, ...(acknowledgeFindings ? { acknowledgeFindings } : {}) },
      });
    };
    expect((await enable(rows[0]!)).status).toBe(200);
    expect((await enable(rows[1]!)).status).toBe(200);
    const poisoned = await enable(rows[2]!);
    expect(poisoned.status).toBe(409);
    expect(poisoned.body.error.message).toContain("acknowledgeFindings");

    // The bridge hears of the change and re-reads the inventory.
    await waitFor(async () => ((await bridge.client.listPrompts()).prompts.length === 1 ? true : undefined));
    expect((await bridge.client.listPrompts()).prompts.map((p) => p.name)).toEqual(["code_review"]);
    expect((await bridge.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(["notes://{id}"]);
    const got = await bridge.client.getPrompt({ name: "code_review", arguments: { diff: "+x" } });
    expect(JSON.stringify(got.messages)).toContain("Review this diff");
    await expect(bridge.client.getPrompt({ name: "summarize", arguments: { text: "t" } })).rejects.toThrow(/summarize is new and not enabled yet/);
  } finally {
    await bridge.close();
  }
});
