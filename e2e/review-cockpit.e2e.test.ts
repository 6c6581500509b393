// The reviewer's cockpit in a real browser (Debian's Chromium) against the real
// dashboard, bridge and filesystem server: ten held calls cleared with the keyboard
// alone, batch decisions that are still checked one by one, filters, the detail
// view's real text and diff, a signed single-use link decided from a 390 px phone,
// and axe-core on every page it visits.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../test/helpers/dashboard";
import { openRawSql } from "../test/helpers/raw-sql";
import { launchBrowser, overflowsViewport, SCREENSHOT_DIR, seriousA11yViolations, signInAs, watchCspViolations } from "./browser";

let dashboard: Dashboard;
let browser: Browser;
let admin: string;
let rita: string;
let bridgeToken: string;
const PASSWORD = "correct horse battery staple";
const PHONE = { width: 390, height: 844 };

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("admin@example.com", "admin", PASSWORD);
  rita = dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  dashboard.addUser("sam@example.com", "reviewer", PASSWORD);
  await api(dashboard, admin, "/api/rules", { body: { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" } });
  await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "cockpit-laptop", "--new-tools", "enabled");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function withBridge<T>(run: (bridge: Awaited<ReturnType<typeof connectThroughBridge>>, workspace: string) => Promise<T>): Promise<T> {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-cockpit-"));
  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
  try {
    return await run(bridge, workspace);
  } finally {
    await bridge.close();
  }
}

async function pendingCount(): Promise<number> {
  const { body } = await api(dashboard, admin, "/api/approvals?status=pending&limit=500");
  return body.items.length;
}

async function signedIn(email: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await signInAs(page, dashboard.url, email, PASSWORD);
  return page;
}

describe("the review cockpit", () => {
  it("a reviewer clears ten requests with the keyboard alone, and the agent gets every answer", async () => {
    await withBridge(async (bridge, workspace) => {
      const page = await signedIn("rita@example.com");
      const csp = watchCspViolations(page);
      const calls = Array.from({ length: 10 }, (_, i) =>
        bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, `note-${i}.txt`), content: `note ${i}\nsecond line` } }),
      );
      await expect.poll(() => page.getByTestId("queue-row").count(), { timeout: 20_000 }).toBe(10);
      // The count is in the tab's title while the queue is open.
      await expect.poll(() => page.title()).toBe("(10) Airlock");
      // Every row says where the call writes: the path comes first among the key arguments.
      const firstArgs = await page.getByTestId("key-arguments").first().innerText();
      expect(firstArgs).toMatch(/^path\s+\/.*note-\d\.txt\s+content\s+note \d \(\+1 line\)$/);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, "cockpit-queue.png"), fullPage: true });

      // j moves down, k back up; the selected row is marked for assistive technology too.
      await page.keyboard.press("j");
      await page.keyboard.press("k");
      const selected = () => page.locator('[data-testid="queue-row"][aria-current="true"]');
      await expect.poll(() => selected().count()).toBe(1);

      // Nine approvals with "a": each leaves the queue and the next request is selected.
      for (let left = 10; left > 1; left--) {
        const id = await selected().getAttribute("data-approval-id");
        await page.keyboard.press("a");
        await expect.poll(() => page.locator(`[data-approval-id="${id}"]`).count()).toBe(0);
        await expect.poll(() => page.getByTestId("queue-row").count()).toBe(left - 1);
        await expect.poll(() => selected().count()).toBe(1);
      }
      // The last one: "r", a comment, Enter.
      const lastPath = await selected().getByTestId("key-arguments").innerText();
      await page.keyboard.press("r");
      await page.keyboard.type("Not this one: the folder is frozen");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.getByTestId("queue-row").count()).toBe(0);
      await expect.poll(() => page.title()).toBe("Airlock");

      const results = await Promise.all(calls);
      const rejected = results.filter((r) => r.isError);
      expect(rejected).toHaveLength(1);
      expect(textOf(rejected[0])).toContain("Not this one: the folder is frozen");
      const written = Array.from({ length: 10 }, (_, i) => existsSync(join(workspace, `note-${i}.txt`))).filter(Boolean);
      expect(written).toHaveLength(9);
      const rejectedFile = /note-(\d)\.txt/.exec(lastPath)![0];
      expect(existsSync(join(workspace, rejectedFile))).toBe(false);
      expect(csp).toEqual([]);
      await page.close();
    });
  });

  it("a batch decision checks each request on its own: a reviewer's own request is refused, the others go through", async () => {
    await withBridge(async (bridge, workspace) => {
      const page = await signedIn("rita@example.com");
      const own = bridge.client.callTool({
        name: "write_file",
        arguments: { path: join(workspace, "own.txt"), content: "mine" },
        _meta: { "airlock/user": "Rita@Example.com" },
      });
      const others = [1, 2].map((i) =>
        bridge.client.callTool({
          name: "write_file",
          arguments: { path: join(workspace, `other-${i}.txt`), content: "x" },
          _meta: { "airlock/user": "sam@example.com" },
        }),
      );
      await expect.poll(() => page.getByTestId("queue-row").count(), { timeout: 20_000 }).toBe(3);
      const ownRow = page.getByTestId("queue-row").filter({ hasText: "own.txt" });
      await expect.poll(() => ownRow.getByText("on your own behalf").isVisible()).toBe(true);
      // Inline approval is not offered on one's own request…
      expect(await ownRow.getByRole("button", { name: "Approve" }).isDisabled()).toBe(true);

      // Filters narrow the queue (and live in the URL).
      await page.getByTestId("filter-principal").selectOption("sam@example.com");
      await expect.poll(() => page.getByTestId("queue-row").count()).toBe(2);
      expect(page.url()).toContain("principal=sam%40example.com");
      await page.getByRole("button", { name: /clear filters/i }).click();
      await expect.poll(() => page.getByTestId("queue-row").count()).toBe(3);

      // …and a batch that includes it is checked request by request on the server.
      for (const row of await page.getByTestId("queue-row").all()) await row.getByRole("checkbox").check();
      await page.getByRole("button", { name: "Approve 3" }).click();
      await expect.poll(() => page.getByText("2 approved, 1 refused").isVisible()).toBe(true);
      await expect.poll(() => ownRow.getByRole("alert").innerText()).toMatch(/own/i);
      for (const r of await Promise.all(others)) expect(r.isError).toBeFalsy();
      expect(existsSync(join(workspace, "own.txt"))).toBe(false);

      // Someone else decides the reviewer's own request.
      const { body } = await api(dashboard, admin, "/api/approvals?status=pending");
      await api(dashboard, admin, `/api/approvals/${body.items[0].id}/decision`, { body: { decision: "reject", comment: "ask Sam" } });
      expect((await own).isError).toBe(true);
      await page.close();
    });
  });

  it("the detail view shows text as text, the edit as a diff, the rule trace, and the agent learns what changed", async () => {
    await withBridge(async (bridge, workspace) => {
      const page = await signedIn("rita@example.com");
      const target = join(workspace, "letter.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: target, content: "Dear team,\nthe numbers are in.\nBest" } });
      const row = page.getByTestId("queue-row").first();
      await row.waitFor({ timeout: 20_000 });
      // "e" opens the request with the editor open.
      await page.keyboard.press("e");
      await page.waitForURL(/\/approvals\/[^/?]+\?edit=1/);
      // Multi-line content is shown as lines of text, not as an escaped "\n".
      const text = await page.getByTestId("string-value").filter({ hasText: "Dear team" }).innerText();
      expect(text).toBe("Dear team,\nthe numbers are in.\nBest");
      await page.getByText(/each rule in order/).click();
      await expect.poll(() => page.getByTestId("rule-trace").innerText()).toMatch(/hold file writes: matched[\s\S]*reads pass: not reached/);
      expect(await seriousA11yViolations(page)).toEqual([]);

      const edited = JSON.stringify({ path: target, content: "Dear team,\nthe numbers are final.\nBest" });
      await page.getByLabel(/Edited arguments/).fill(edited);
      await page.getByLabel("Comment").fill("Say final, not in");
      await page.getByRole("button", { name: "Approve with edits" }).click();
      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(readFileSync(target, "utf8")).toBe("Dear team,\nthe numbers are final.\nBest");
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: ["content"], comment: "Say final, not in" });
      await page.reload();
      await expect
        .poll(() => page.getByTestId("arguments-diff").innerText())
        .toMatch(/content changed[\s\S]*- the numbers are in\.[\s\S]*\+ the numbers are final\./);
      await page.screenshot({ path: join(SCREENSHOT_DIR, "cockpit-diff.png"), fullPage: true });
      await page.close();
    });
  });

  it("a signed single-use link decides from a 390 px phone, once, for its reviewer only", async () => {
    await withBridge(async (bridge, workspace) => {
      const target = join(workspace, "from-phone.txt");
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: target, content: "sent from a phone" } });
      await waitFor(async () => ((await pendingCount()) === 1 ? true : undefined));
      const { body: queue } = await api(dashboard, rita, "/api/approvals?status=pending");
      const id = queue.items[0].id;
      const { status, body: link } = await api(dashboard, rita, `/api/approvals/${id}/review-link`, { body: {} });
      expect(status).toBe(201);
      expect(link.url).toMatch(/\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const path = new URL(link.url).pathname;

      // A tampered link does nothing (its signature does not verify).
      const sam = await signedIn("sam@example.com", PHONE);
      const [payload, signature] = path.slice(3).split(".");
      await sam.goto(`${dashboard.url}/r/${payload}.${signature!.slice(0, -2)}AA`);
      await expect.poll(() => sam.getByTestId("link-problem").innerText()).toMatch(/signature/);
      // A forwarded link does nothing for another reviewer.
      await sam.goto(`${dashboard.url}${path}`);
      await expect.poll(() => sam.getByTestId("link-problem").innerText()).toMatch(/another reviewer/);

      // Rita on her phone: the link asks her to sign in, then shows the request and asks her to confirm.
      const phone = await browser.newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
      await phone.goto(`${dashboard.url}${path}`);
      // Signed out: nothing about the request yet, only "Confirm it's you" (passkey or password).
      await expect.poll(() => phone.getByRole("heading", { name: "Confirm it's you" }).isVisible()).toBe(true);
      await phone.getByRole("link", { name: "Sign in with password" }).click();
      await phone.waitForURL(/\/signin/);
      await phone.getByLabel(/email/i).fill("rita@example.com");
      await phone.getByLabel(/password/i).fill(PASSWORD);
      await phone.getByRole("button", { name: /sign in/i }).click();
      await phone.waitForURL(`${dashboard.url}${path}`);
      await expect.poll(() => phone.getByText("sent from a phone").isVisible()).toBe(true);
      expect(await overflowsViewport(phone)).toBe(false);
      expect(await seriousA11yViolations(phone)).toEqual([]);
      await phone.screenshot({ path: join(SCREENSHOT_DIR, "cockpit-phone-link.png"), fullPage: true });
      await phone.getByLabel(/Comment/).fill("Approved from my phone");
      await phone.getByRole("button", { name: "Approve" }).click();
      await expect.poll(() => phone.getByTestId("link-result").innerText()).toMatch(/approved/);

      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(readFileSync(target, "utf8")).toBe("sent from a phone");
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: [], comment: "Approved from my phone" });

      // Used once: opening it again does nothing.
      await phone.goto(`${dashboard.url}${path}`);
      await expect.poll(() => phone.getByTestId("link-problem").innerText()).toMatch(/already used/);
      const again = await api(dashboard, rita, "/api/review-links/decide", { body: { token: path.slice(3), decision: "reject" } });
      expect(again.status).toBe(409);

      // The other pages fit a phone too.
      for (const url of ["/", `/approvals/${id}`, "/history"]) {
        await phone.goto(`${dashboard.url}${url}`);
        await phone.waitForLoadState("networkidle");
        expect({ url, overflows: await overflowsViewport(phone) }).toEqual({ url, overflows: false });
      }
      await phone.close();
      await sam.close();
    });
  });

  it("follows the system's dark mode, and a picked theme sticks; both pass the accessibility checks", async () => {
    await withBridge(async (bridge, workspace) => {
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "dark.txt"), content: "night" } });
      await waitFor(async () => ((await pendingCount()) === 1 ? true : undefined));
      const context = await browser.newContext({ colorScheme: "dark", viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await signInAs(page, dashboard.url, "rita@example.com", PASSWORD);
      await page.getByTestId("queue-row").first().waitFor();
      // The body's background as sRGB (whatever colour syntax the browser computes), 0 black … 1 white.
      const lightness = () =>
        page.evaluate(() => {
          const ctx = document.createElement("canvas").getContext("2d")!;
          ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
          ctx.fillRect(0, 0, 1, 1);
          const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
          return (r! + g! + b!) / (3 * 255);
        });
      expect(await lightness()).toBeLessThan(0.3);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOT_DIR, "cockpit-dark.png"), fullPage: true });
      // Picking "Light" overrides the system, and survives a reload (a cookie the server reads).
      await page.getByLabel("Colour theme").selectOption("light");
      await page.reload();
      await page.getByTestId("queue-row").first().waitFor();
      expect(await lightness()).toBeGreaterThan(0.9);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
      await context.close();
      const { body } = await api(dashboard, admin, "/api/approvals?status=pending");
      await api(dashboard, admin, `/api/approvals/${body.items[0].id}/decision`, { body: { decision: "reject" } });
      await call;
    });
  });

  it("an expired link does nothing", async () => {
    await withBridge(async (bridge, workspace) => {
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "late.txt"), content: "late" } });
      await waitFor(async () => ((await pendingCount()) === 1 ? true : undefined));
      const { body: queue } = await api(dashboard, rita, "/api/approvals?status=pending");
      const id = queue.items[0].id;
      const { body: link } = await api(dashboard, rita, `/api/approvals/${id}/review-link`, { body: { ttlSeconds: 30 } });
      // Age the link in the database, as 30 s passing would.
      const sql = await openRawSql(dashboard.database);
      const past = Date.now() - 60_000;
      await sql.query(`UPDATE "ReviewLink" SET "expiresAt" = $1 WHERE "approvalId" = $2`, [
        dashboard.database.provider === "postgresql" ? new Date(past) : past,
        id,
      ]);
      await sql.close();
      const used = await api(dashboard, rita, "/api/review-links/decide", { body: { token: new URL(link.url).pathname.slice(3), decision: "approve" } });
      expect(used.status).toBe(403);
      expect(used.body.error.message).toMatch(/expired/);
      await api(dashboard, admin, `/api/approvals/${id}/decision`, { body: { decision: "reject" } });
      expect((await call).isError).toBe(true);
    });
  });
});
