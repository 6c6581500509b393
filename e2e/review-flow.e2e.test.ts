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
let adminToken: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  dashboard = await startDashboard();
  const admin = dashboard.addUser("admin@example.com", "admin");
  adminToken = admin;
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

it("with two approvers and an edit, the second reviewer picks the edit she sees, and exactly that runs", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-e2e-quorum-"));
  const policy = {
    default: "allow",
    rules: [
      { name: "two keys for contracts", match: { tool: "*write_file" }, when: 'args.path.contains("contract")', action: "require_approval", approvers: 2 },
      { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" },
      { name: "reads pass", match: { tool: "*" }, action: "allow" },
    ],
  };
  expect((await api(dashboard, adminToken, "/api/policy", { method: "PUT", body: { policy } })).status).toBe(200);
  const sam = dashboard.addUser("sam@example.com", "reviewer");
  const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "e2e-quorum", "--new-tools", "enabled");
  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const cspViolations = watchCspViolations(page);
  try {
    const target = join(workspace, "contract.md");
    const call = bridge.client.callTool({ name: "write_file", arguments: { path: target, content: "Price: 100" } });
    const pending = await expect
      .poll(async () => (await api(dashboard, sam, "/api/approvals?status=pending")).body.items.find((a: { tool: string }) => a.tool === "write_file"), {
        timeout: 15_000,
      })
      .toBeTruthy()
      .then(async () => (await api(dashboard, sam, "/api/approvals?status=pending")).body.items.find((a: { tool: string }) => a.tool === "write_file"));
    // Sam approves his own edit: one approval of the edited arguments, not a quorum.
    const edited = await api(dashboard, sam, `/api/approvals/${pending.id}/decision`, {
      body: { decision: "approve", arguments: { path: target, content: "Price: 120" } },
    });
    expect(edited.body).toMatchObject({ status: "pending", approvals: 1, requiredApprovers: 2 });

    await page.goto(`${dashboard.url}/approvals/${pending.id}`);
    await page.waitForURL(/\/signin/);
    await page.getByLabel(/email/i).fill("rita@example.com");
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole("button", { name: /sign in/i }).click();
    await page.waitForURL(new RegExp(`/approvals/${pending.id}$`), { timeout: 10_000 }).catch((error) => {
      throw new Error(`${error.message} (at ${page.url()})`);
    });
    const editChoice = page.getByRole("radio", { name: /Edit proposed by sam@example.com .*\(1 of 2\)/ });
    await editChoice.waitFor();
    expect(await editChoice.isChecked()).toBe(true);
    await expect.poll(() => page.getByText("Price: 120").first().isVisible()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "proposals.png"), fullPage: true });

    await page.getByRole("button", { name: "Approve", exact: true }).click();
    expect((await call).isError).toBeFalsy();
    expect(readFileSync(target, "utf8")).toBe("Price: 120");
    expect(cspViolations).toEqual([]);
  } finally {
    await bridge.close();
    await page.close();
  }
});
