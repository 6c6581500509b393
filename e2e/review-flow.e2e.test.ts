// A reviewer in a real browser: signs in, sees an agent's held write arrive in the
// open queue without reloading, opens it, reads prompt / context / action, approves,
// and the agent gets its result. Screenshots land in test-results/screenshots/.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard } from "../test/helpers/dashboard";
import { launchBrowser, SCREENSHOT_DIR, watchCspViolations } from "./browser";

let dashboard: Dashboard;
let browser: Browser;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dashboard = await startDashboard();
  const admin = dashboard.addUser("admin@example.com", "admin");
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  await api(dashboard, admin, "/api/rules", { body: { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" } });
  await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

it("a reviewer approves a held write from the live queue", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-e2e-"));
  const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "e2e-laptop", "--new-tools", "enabled");
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  const cspViolations = watchCspViolations(page);

  await page.goto(`${dashboard.url}/`);
  await page.waitForURL(/\/signin/);
  await page.getByLabel(/email/i).fill("rita@example.com");
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(`${dashboard.url}/`);
  await expect.poll(() => page.getByTestId("queue").isVisible()).toBe(true);
  expect(await page.getByTestId("queue-row").count()).toBe(0);

  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
  try {
    const target = join(workspace, "report.md");
    // An earlier, allowed call gives the session some context to show.
    await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} });
    const call = bridge.client.callTool({
      name: "write_file",
      arguments: { path: target, content: "# Quarterly report" },
      _meta: { "airlock/prompt": "Write the quarterly report to report.md" },
    });

    // The row arrives over socket.io: no reload.
    const row = page.getByTestId("queue-row").filter({ hasText: "write_file" });
    await row.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, "queue.png"), fullPage: true });

    await row.getByRole("link").first().click();
    await page.waitForURL(/\/approvals\//);
    await expect.poll(() => page.getByText("Write the quarterly report to report.md").first().isVisible()).toBe(true);
    await expect.poll(() => page.getByText("# Quarterly report").first().isVisible()).toBe(true);
    await expect.poll(() => page.getByText("hold file writes").first().isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "detail.png"), fullPage: true });
    expect(existsSync(target)).toBe(false);

    await page.getByLabel("Comment").fill("Looks right");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(readFileSync(target, "utf8")).toBe("# Quarterly report");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "decided.png"), fullPage: true });
    // Sign-in, the live queue (socket.io), the detail page and the decision all ran under the CSP.
    expect(cspViolations).toEqual([]);
  } finally {
    await bridge.close();
    await page.close();
  }
});
