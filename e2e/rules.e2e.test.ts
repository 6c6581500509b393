// An admin in a real browser writes a rule: sees the CEL error where it is,
// fixes it, dry-runs the draft over recorded calls, saves it; a reviewer's open
// queue then receives the call the new rule holds. Screenshots in test-results/screenshots/.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge, textOf } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, startDashboard, waitFor } from "../test/helpers/dashboard";
import { launchBrowser, SCREENSHOT_DIR, watchCspViolations } from "./browser";

let dashboard: Dashboard;
let browser: Browser;
let reviewerToken: string;
let adminToken: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dashboard = await startDashboard();
  adminToken = dashboard.addUser("ada@example.com", "admin", PASSWORD);
  reviewerToken = dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  await api(dashboard, adminToken, "/api/policy", { method: "PUT", body: { policy: { default: "allow", rules: [] }, comment: "start open" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function signIn(page: Page, email: string) {
  await page.goto(`${dashboard.url}/`);
  await page.waitForURL(/\/signin/);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(`${dashboard.url}/`);
}

it("an admin creates a rule in the UI, fixes a CEL error, dry-runs and saves it; the reviewer's queue gets the held call", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-rules-e2e-"));
  const inbox = join(workspace, "inbox");
  mkdirSync(inbox);
  const token = dashboard.cli("bridge-token", "create", "--name", "rules-laptop", "--new-tools", "enabled");
  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token });
  const adminContext = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const reviewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // A recorded call for the dry run: today it passes (default allow).
    const before = await bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "notes.md"), content: "draft" } });
    expect(before.isError).toBeFalsy();
    await waitFor(async () => ((await api(dashboard, adminToken, "/api/audit/export?format=json")).body.events?.length ? true : undefined));

    const admin = await adminContext.newPage();
    const cspViolations = watchCspViolations(admin);
    await signIn(admin, "ada@example.com");
    await admin.getByRole("link", { name: "Rules" }).click();
    await admin.waitForURL(/\/rules/);
    await admin.getByRole("button", { name: "Add rule" }).click();
    await admin.getByLabel("Name").fill("hold writes outside the inbox");
    await admin.getByLabel("Tool (glob)").fill("write_file");
    await admin.getByLabel(/^Condition/).fill(`!args.path.startsWith("${inbox}/"`);
    await admin.getByRole("button", { name: "Check and add to draft" }).click();

    const celError = admin.getByTestId("cel-error");
    await celError.waitFor();
    expect(await celError.textContent()).toMatch(/invalid CEL expression/);
    expect(await admin.getByTestId("rule-row").count()).toBe(0);
    await admin.screenshot({ path: join(SCREENSHOT_DIR, "rules-cel-error.png"), fullPage: true });

    await admin.getByLabel(/^Condition/).fill(`!args.path.startsWith("${inbox}/")`);
    await admin.getByRole("button", { name: "Check and add to draft" }).click();
    await admin.getByTestId("rule-row").filter({ hasText: "hold writes outside the inbox" }).waitFor();

    // A second rule under the same name, spelled in other case, is refused at its name field.
    await admin.getByRole("button", { name: "Add rule" }).click();
    await admin.getByLabel("Name").fill("Hold Writes Outside The Inbox");
    await admin.getByRole("button", { name: "Check and add to draft" }).click();
    await admin
      .getByText(/names must be unique/)
      .first()
      .waitFor();
    expect(await admin.getByTestId("rule-row").count()).toBe(1);
    await admin.getByRole("button", { name: "Cancel" }).click();

    await admin.getByLabel("Last N calls").fill("50");
    await admin.getByRole("button", { name: "Run dry run" }).click();
    const dryRun = admin.getByTestId("dry-run-result");
    await dryRun.waitFor();
    expect(await dryRun.textContent()).toMatch(/1 would change outcome/);
    expect(await dryRun.textContent()).toMatch(/allow \(default\)/);
    expect(await dryRun.textContent()).toMatch(/require_approval \(hold writes outside the inbox\)/);
    await admin.screenshot({ path: join(SCREENSHOT_DIR, "rules-dry-run.png"), fullPage: true });

    await admin.getByLabel("Comment").fill("hold writes outside the inbox");
    await admin.getByRole("button", { name: "Save" }).click();
    await admin.getByText(/Saved as version \d+/).waitFor();

    const reviewer = await reviewerContext.newPage();
    const reviewerViolations = watchCspViolations(reviewer);
    await signIn(reviewer, "rita@example.com");
    await reviewer.getByTestId("queue").waitFor();

    // The running bridge obeys the new version: inside the inbox passes, outside is held for the reviewer.
    await waitFor(async () => {
      const inside = await bridge.client.callTool({ name: "write_file", arguments: { path: join(inbox, "a.md"), content: "in" } });
      return inside.isError ? undefined : true;
    });
    const held = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "escape.md"), content: "out" } });
    const row = reviewer.getByTestId("queue-row").filter({ hasText: "write_file" });
    await row.waitFor({ timeout: 15_000 });
    await reviewer.screenshot({ path: join(SCREENSHOT_DIR, "rules-held-in-queue.png"), fullPage: true });

    const pending = (await api(dashboard, reviewerToken, "/api/approvals?status=pending")).body.items[0];
    expect(pending.ruleName).toBe("hold writes outside the inbox");
    await api(dashboard, reviewerToken, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment: "stay in the inbox" } });
    expect(textOf(await held)).toContain("stay in the inbox");

    // The rules editor (CEL check, dry run, save) and the live queue ran under the CSP.
    expect([...cspViolations, ...reviewerViolations]).toEqual([]);

    // Signing out with the button ends the session on the server: the old cookie, replayed, is refused.
    const [session] = (await reviewerContext.cookies()).filter((c) => c.name.endsWith("next-auth.session-token"));
    const replay = () => fetch(`${dashboard.url}/api/approvals`, { headers: { cookie: `${session.name}=${session.value}` } });
    expect((await replay()).status).toBe(200);
    await reviewer.getByRole("button", { name: "Sign out" }).click();
    await reviewer.waitForURL(/\/signin/);
    expect((await replay()).status).toBe(401);
  } finally {
    await bridge.close();
    await adminContext.close();
    await reviewerContext.close();
  }
});
