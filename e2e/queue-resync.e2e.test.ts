// The live queue never misses a call held while its socket was not there to hear it:
// between the page's render and the socket joining, or while the socket was away.
// The browser's WebSocket is held back (Playwright's routeWebSocket) so the gap is
// certain instead of a matter of timing.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../test/helpers/dashboard";
import { launchBrowser } from "./browser";

let dashboard: Dashboard;
let browser: Browser;
let adminToken: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dashboard = await startDashboard();
  adminToken = dashboard.addUser("admin@example.com", "admin");
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  await api(dashboard, adminToken, "/api/policy", {
    method: "PUT",
    body: {
      policy: { default: "allow", rules: [{ name: "hold file writes", match: { tool: "write_file" }, action: "require_approval" }] },
      comment: "hold writes",
    },
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

/** Lets each socket the page opens through only when the test says so. */
function socketGate() {
  let release: () => void = () => {};
  let released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const servers: { close(): Promise<void> }[] = [];
  return {
    handler: async (ws: WebSocketRoute) => {
      await released;
      servers.push(ws.connectToServer());
    },
    open() {
      release();
    },
    /** Drops the current connection from the server's side and holds back the next one. */
    async drop() {
      released = new Promise<void>((resolve) => {
        release = resolve;
      });
      await Promise.all(servers.splice(0).map((s) => s.close()));
    },
  };
}

async function pendingIds(): Promise<string[]> {
  return (await api(dashboard, adminToken, "/api/approvals?status=pending")).body.items.map((a: { id: string }) => a.id);
}

it("shows a call held before the socket joined, and drops one decided while it was away", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-resync-e2e-"));
  const token = dashboard.cli("bridge-token", "create", "--name", "resync-laptop", "--new-tools", "enabled");
  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const gate = socketGate();
  await context.routeWebSocket(/\/socket\.io\//, gate.handler);
  try {
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/`);
    await page.waitForURL(/\/signin/);
    await page.getByLabel(/email/i).fill("rita@example.com");
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.waitForURL(`${dashboard.url}/`);
    await page.getByTestId("queue").waitFor();
    expect(await page.getByTestId("queue-row").count()).toBe(0);

    // Held after the page rendered, before its socket joined: nobody was listening.
    const first = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "first.md"), content: "1" } });
    const [firstId] = await waitFor(async () => ((await pendingIds()).length === 1 ? await pendingIds() : undefined));
    gate.open();
    await page.getByTestId("queue-row").filter({ hasText: "write_file" }).waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("queue-row").count()).toBe(1);

    // The socket goes away; meanwhile the first request is decided and a second call is held.
    await gate.drop();
    await page
      .getByText(/reconnecting/i)
      .first()
      .waitFor();
    await api(dashboard, adminToken, `/api/approvals/${firstId}/decision`, { body: { decision: "reject", comment: "not now" } });
    expect(textOf(await first)).toContain("not now");
    const second = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "second.md"), content: "2" } });
    const [secondId] = await waitFor(async () => {
      const ids = await pendingIds();
      return ids.length === 1 && ids[0] !== firstId ? ids : undefined;
    });
    expect(await page.getByTestId("queue-row").count()).toBe(1);

    // Back again: the queue holds exactly the second request.
    gate.open();
    await expect.poll(() => page.getByTestId("queue-row").locator(`a[href="/approvals/${secondId}"]`).count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByTestId("queue-row").count()).toBe(1);
    await api(dashboard, adminToken, `/api/approvals/${secondId}/decision`, { body: { decision: "reject", comment: "done" } });
    expect(textOf(await second)).toContain("done");
  } finally {
    await context.close();
    await bridge.close();
  }
});
