// Every page of the dashboard through axe-core (WCAG 2.x A/AA) in Debian's Chromium,
// in light and dark mode, at desktop width and at 390 px: no serious or critical
// violations, and nothing wider than a phone's screen. The navigation marks the
// current page with aria-current.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Dashboard, startDashboard } from "../test/helpers/dashboard";
import { launchBrowser, overflowsViewport, seriousA11yViolations, signInAs } from "./browser";

const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let browser: Browser;

const PAGES = [
  "/",
  "/history",
  "/rules",
  "/tools",
  "/bridges",
  "/compliance",
  "/users",
  "/settings",
  "/settings/tokens",
  "/settings/notifications",
  "/settings/away",
  "/settings/passkeys",
  "/settings/webhooks",
];

beforeAll(async () => {
  dashboard = await startDashboard();
  const admin = dashboard.addUser("admin@example.com", "admin", PASSWORD);
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  await api(dashboard, admin, "/api/rules", { body: { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function visit(page: Page, path: string) {
  await page.goto(`${dashboard.url}${path}`);
  await page.waitForLoadState("networkidle");
}

describe("accessibility", () => {
  for (const colorScheme of ["light", "dark"] as const) {
    it(`every admin page passes axe-core in ${colorScheme} mode, and the navigation marks the current page`, async () => {
      const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signInAs(page, dashboard.url, "admin@example.com", PASSWORD);
      const problems: Record<string, string[]> = {};
      for (const path of PAGES) {
        await visit(page, path);
        const found = await seriousA11yViolations(page);
        if (found.length) problems[path] = found;
      }
      expect(problems).toEqual({});
      await visit(page, "/rules");
      expect(await page.locator('nav[aria-label="Main"] [aria-current="page"]').allInnerTexts()).toEqual(["Rules"]);
      await context.close();
    });
  }

  it("every admin page fits a 390 px phone (wide tables scroll inside their own box)", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signInAs(page, dashboard.url, "admin@example.com", PASSWORD);
    const wide: string[] = [];
    for (const path of PAGES) {
      await visit(page, path);
      if (await overflowsViewport(page)) wide.push(path);
    }
    expect(wide).toEqual([]);
    await context.close();
  });

  it("the sign-in page, and the no-access page a reviewer meets, pass too; every page fits 390 px", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await visit(page, "/signin");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signInAs(page, dashboard.url, "rita@example.com", PASSWORD);
    const response = await page.goto(`${dashboard.url}/users`);
    expect(response?.status()).toBe(403);
    expect(await seriousA11yViolations(page)).toEqual([]);
    const wide: string[] = [];
    for (const path of ["/", "/history", "/settings", "/settings/tokens", "/settings/notifications", "/settings/away", "/settings/passkeys"]) {
      await visit(page, path);
      if (await overflowsViewport(page)) wide.push(path);
    }
    expect(wide).toEqual([]);
    await context.close();
  });
});
