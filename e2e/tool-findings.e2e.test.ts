// An admin in a real browser meets a poisoned tool: the Tools page marks it, its
// page shows each finding with the offending text highlighted in place, and
// Enable stays disabled until the admin acknowledges what was found.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../test/helpers/bridge-client";
import { api, type Dashboard, startDashboard, waitFor } from "../test/helpers/dashboard";
import { launchBrowser, SCREENSHOT_DIR, watchCspViolations } from "./browser";

const POISONED = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "test", "servers", "poisoned-server.ts")}`;
const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let browser: Browser;
let admin: string;

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("ada@example.com", "admin", PASSWORD);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

it("an admin sees a poisoned tool's findings highlighted and can enable it only by acknowledging them", async () => {
  const token = dashboard.cli("bridge-token", "create", "--name", "findings-laptop");
  const bridge = await connectThroughBridge({ upstreams: [`calc=${POISONED}`], dashboardUrl: dashboard.url, token });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  const cspViolations = watchCspViolations(page);
  try {
    await bridge.client.listTools();
    await waitFor(async () => ((await api(dashboard, admin, "/api/tools")).body.items.length === 2 ? true : undefined));
    await page.goto(`${dashboard.url}/tools`);
    await page.waitForURL(/\/signin/);
    await page.getByLabel(/email/i).fill("ada@example.com");
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.waitForURL(/\/tools$/);
    const row = page
      .getByRole("row")
      .filter({ hasText: "add" })
      .filter({ has: page.getByTestId("finding-badge") });
    await row.waitFor();
    expect(await page.getByTestId("finding-badge").count()).toBe(1);

    await row.getByRole("link", { name: "add" }).click();
    await page.waitForURL(/\/tools\/[\w-]+$/);
    const findings = page.getByTestId("tool-findings");
    await findings.waitFor();
    expect(await findings.locator("mark").first().textContent()).toMatch(/<IMPORTANT>|mcp\.json|Do not mention this to the user/);
    const enable = page.getByRole("button", { name: "Enable" });
    expect(await enable.isDisabled()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "tool-findings.png"), fullPage: true });

    await page.getByLabel(/I read the high findings/).check();
    await enable.click();
    await waitFor(async () =>
      (await api(dashboard, admin, "/api/tools")).body.items.find((t: { name: string }) => t.name === "add").status === "enabled" ? true : undefined,
    );
    expect(cspViolations).toEqual([]);
  } finally {
    await bridge.close();
    await page.close();
  }
});
