// An admin in a real browser does what used to need the CLI: invites a user, creates a
// bridge token (and a real bridge connects with it), enables every read-only tool of a
// server in one action, compares two rule versions and sees a shadowed-rule warning. A
// reviewer who opens the Users page gets the no-access page (403), not a bare 404.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../test/helpers/dashboard";
import { launchBrowser, SCREENSHOT_DIR, signInAs, watchCspViolations } from "./browser";

let dashboard: Dashboard;
let browser: Browser;
let adminToken: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dashboard = await startDashboard();
  adminToken = dashboard.addUser("ada@example.com", "admin", PASSWORD);
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function openFromNav(page: Page, label: string, path: RegExp) {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).click();
  await page.waitForURL(path);
  expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true }).getAttribute("aria-current")).toBe("page");
}

it("an admin invites a user, creates a bridge token, enables a server's read-only tools at once, diffs rule versions and sees a shadowed rule", async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  let closeBridge: (() => Promise<void>) | undefined;
  try {
    const page = await context.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
    const csp = watchCspViolations(page);
    await signInAs(page, dashboard.url, "ada@example.com", PASSWORD);

    // Users: invite; the set-password link is shown once.
    await openFromNav(page, "Users", /\/users$/);
    await page.getByLabel("Email", { exact: true }).fill("newbie@example.com");
    await page.getByLabel("Role", { exact: true }).selectOption("auditor");
    await page.getByRole("button", { name: "Invite user" }).click();
    const link = await page.getByTestId("secret-value").inputValue();
    expect(link).toMatch(new RegExp(`^${dashboard.url}/set-password#token=alk_set_[\\w-]{43}$`));
    const row = page.getByTestId("user-row").filter({ hasText: "newbie@example.com" });
    await row.waitFor();
    expect(await row.textContent()).toContain("invited");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "admin-users.png"), fullPage: true });

    // Bridges: a token, shown once with the command line that uses it.
    await openFromNav(page, "Bridges", /\/bridges$/);
    await page.getByLabel("Bridge name").fill("e2e-laptop");
    await page.getByRole("button", { name: "Create bridge token" }).click();
    const token = await page.getByTestId("secret-value").inputValue();
    expect(token).toMatch(/^alk_brg_/);
    expect(await page.getByTestId("bridge-command").textContent()).toBe(
      `AIRLOCK_BRIDGE_TOKEN=${token} npx airlock-bridge --dashboard ${dashboard.url} --upstream "<your MCP server command>"`,
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, "admin-bridge-token.png"), fullPage: true });

    // A real bridge connects with it; its filesystem server's tools arrive pending.
    const workspace = mkdtempSync(join(tmpdir(), "airlock-admin-e2e-"));
    const bridge = await connectThroughBridge({ upstreams: [`fs=${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token });
    closeBridge = bridge.close;
    await bridge.client.listTools();
    type Tool = { server: string; name: string; status: string; annotations: { readOnlyHint?: boolean } };
    const fsTools = async () => ((await api(dashboard, adminToken, "/api/tools")).body.items as Tool[]).filter((t) => t.server === "fs");
    const before = await waitFor(async () => ((await fsTools()).length >= 10 ? fsTools() : undefined));
    const readOnly = before
      .filter((t) => t.annotations.readOnlyHint === true)
      .map((t) => t.name)
      .sort();
    expect(readOnly.length).toBeGreaterThan(3);
    expect(before.every((t) => t.status === "pending")).toBe(true);

    await page.reload();
    const bridgeRow = page.getByTestId("bridge-row").filter({ hasText: "e2e-laptop" });
    expect(await bridgeRow.getByTestId("bridge-status").textContent()).toBe("online");
    expect(await bridgeRow.textContent()).toContain("fs");

    // Tools: search, then one action for every read-only tool of the server.
    await openFromNav(page, "Tools", /\/tools$/);
    await page.getByLabel("Search tools").fill("read_text");
    const found = await page.getByTestId("tool-row").allTextContents();
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(before.length);
    expect(found.every((text) => /read_text/i.test(text))).toBe(true);
    expect(found.some((text) => text.includes("read-only"))).toBe(true);
    await page.getByLabel("Search tools").fill("");
    await page.getByRole("button", { name: `Enable all read-only tools of fs (${readOnly.length})` }).click();
    expect(await page.getByTestId("bulk-message").textContent()).toBe(`Enabled ${readOnly.length} tool(s) of fs.`);
    const after = await fsTools();
    expect(
      after
        .filter((t) => t.status === "enabled")
        .map((t) => t.name)
        .sort(),
    ).toEqual(readOnly);
    expect(after.filter((t) => t.annotations.readOnlyHint !== true).every((t) => t.status === "pending")).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "admin-tools-bulk.png"), fullPage: true });

    // Rules: two versions, the second with a rule that can never fire.
    const put = async (rules: object[], comment: string) =>
      (await api(dashboard, adminToken, "/api/policy", { method: "PUT", body: { policy: { default: "require_approval", rules }, comment } })).body
        .version as number;
    const v1 = await put([{ name: "reads pass", match: { annotations: { readOnlyHint: true } }, action: "allow" }], "reads");
    const v2 = await put(
      [
        { name: "hold everything on fs", match: { server: "fs" }, action: "require_approval" },
        { name: "reads pass", match: { annotations: { readOnlyHint: true } }, action: "allow" },
        { name: "fs listing passes", match: { server: "fs", tool: "list_*" }, action: "allow" },
      ],
      "tighten fs",
    );
    await openFromNav(page, "Rules", /\/rules$/);
    const warning = page.getByTestId("shadowed-rules");
    expect(await warning.textContent()).toContain("“fs listing passes” is shadowed by rule 1 “hold everything on fs”");
    expect(await warning.textContent()).not.toContain("“reads pass” is shadowed");
    expect(await page.getByTestId("cel-help").getAttribute("open")).toBeNull();
    await page.getByLabel("From").selectOption(String(v1));
    await page.getByLabel("to", { exact: true }).selectOption(String(v2));
    await page.getByRole("button", { name: "Compare versions" }).click();
    const diff = page.getByTestId("version-diff");
    await diff.waitFor();
    const added = await diff.locator('[data-diff="added"]').allTextContents();
    expect(added.some((l) => l.includes("name: hold everything on fs"))).toBe(true);
    expect(added.some((l) => l.includes("name: fs listing passes"))).toBe(true);
    expect(await diff.locator('[data-diff="removed"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "admin-rules-diff.png"), fullPage: true });
    expect(csp).toEqual([]);
  } finally {
    await closeBridge?.();
    await context.close();
  }
});

it("a reviewer who opens an admin page gets the no-access page with HTTP 403", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signInAs(page, dashboard.url, "rita@example.com", PASSWORD);
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).count()).toBe(0);
    const response = await page.goto(`${dashboard.url}/users`);
    expect(response?.status()).toBe(403);
    await page.getByRole("heading", { name: "You don't have access to this page" }).waitFor();
    expect(await page.getByTestId("no-access-role").textContent()).toBe("reviewer");
    expect(await page.getByTestId("no-access").textContent()).toContain("The Users page is for the admin role.");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "admin-no-access.png"), fullPage: true });
    await page.getByRole("link", { name: "Back to the queue" }).click();
    await page.waitForURL(`${dashboard.url}/`);
  } finally {
    await context.close();
  }
});
