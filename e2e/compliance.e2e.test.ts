// An auditor in a real browser: opens Compliance, sees the charts drawn from what the
// bridges reported and how reviewers decided, downloads a chart's CSV, a filtered CSV of
// the history, and the NDJSON export, and verifies that file offline with one command.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { AIRLOCK_BIN, afterBlockingCalls, api, type Dashboard, startDashboard } from "../test/helpers/dashboard";
import { launchBrowser, SCREENSHOT_DIR, signInAs, watchCspViolations } from "./browser";

const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let browser: Browser;
let admin: string;
let bridgeToken: string;

async function bridgePost(path: string, body: unknown) {
  await afterBlockingCalls();
  const res = await fetch(`${dashboard.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${bridgeToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A held request the bridge creates, decided by the admin (a reject or an approval). */
async function decidedRequest(tool: string, decision: "approve" | "reject") {
  const args = { to: "someone@example.com", body: `note ${randomUUID()}` };
  const { body: created } = await bridgePost("/api/bridge/approvals", {
    sessionId: "s-compliance",
    server: "mail",
    tool,
    arguments: args,
    argumentsHash: hashArguments(args),
    heldReason: "outbound mail is reviewed",
    ruleName: "hold outbound mail",
    timeoutSeconds: 600,
  });
  const decided = await api(dashboard, admin, `/api/approvals/${created.id}/decision`, { body: { decision, comment: `${decision} in the compliance test` } });
  expect(decided.status).toBe(200);
}

beforeAll(async () => {
  dashboard = await startDashboard();
  admin = dashboard.addUser("ada@example.com", "admin");
  dashboard.addUser("audrey@example.com", "auditor", PASSWORD);
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "compliance-laptop");
  const at = new Date().toISOString();
  const kinds = ["allowed", "allowed", "allowed", "denied", "held"];
  const events = kinds.map((kind, i) => ({ id: randomUUID(), at, kind, sessionId: "s-compliance", server: "fs", tool: i % 2 ? "read_file" : "write_file" }));
  expect((await bridgePost("/api/bridge/audit", { events })).status).toBe(202);
  await decidedRequest("send_email", "reject");
  await decidedRequest("send_email", "approve");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string; path: string }> {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  const path = join(SCREENSHOT_DIR, `download-${randomUUID()}`);
  await file.saveAs(path);
  return { name: file.suggestedFilename(), text: readFileSync(path, "utf8"), path };
}

it("an auditor sees the charts, downloads a chart's CSV, a filtered history CSV and the NDJSON, and verifies it offline", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 }, acceptDownloads: true });
  const page = await context.newPage();
  const violations = watchCspViolations(page);
  try {
    await signInAs(page, dashboard.url, "audrey@example.com", PASSWORD);
    await page.getByRole("link", { name: "Compliance" }).click();
    await page.waitForURL(/\/compliance/);
    // Charts are drawn (SVG bars), from today's events: 3 allowed, 1 denied, 1 held.
    const calls = page.getByRole("region", { name: "Calls: held, allowed, denied" });
    await calls.locator("svg .recharts-bar-rectangle").first().waitFor({ timeout: 15_000 });
    expect(await calls.textContent()).toContain("3 allowed, 1 denied, 1 held");
    const decisions = page.getByRole("region", { name: "Time to decision" });
    expect(await decisions.textContent()).toMatch(/2 decided: p50 [\d.]+ s, p90 [\d.]+ s/);
    await page.getByRole("region", { name: "Reviewer workload" }).locator("svg .recharts-bar-rectangle").first().waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, "compliance.png"), fullPage: true });

    const chartCsv = await download(page, () => calls.getByRole("link", { name: "CSV" }).click());
    const today = new Date().toISOString().slice(0, 10);
    expect(chartCsv.text.split("\n")[0]).toBe("day,allowed,denied,held");
    expect(chartCsv.text).toContain(`${today},3,1,1`);
    const byRule = await download(page, () => page.getByRole("region", { name: "Rejections and expiries by rule" }).getByRole("link", { name: "CSV" }).click());
    expect(byRule.text).toContain("hold outbound mail,1,0");

    const ndjson = await download(page, () => page.getByRole("link", { name: "Export NDJSON (verifiable)" }).click());
    expect(ndjson.name).toMatch(/^airlock-audit-\d{4}-\d{2}-\d{2}\.ndjson$/);
    const verified = spawnSync(
      process.execPath,
      [AIRLOCK_BIN, "audit", "verify", "--file", ndjson.path, "--public-key", `${dashboard.url}/.well-known/airlock-audit-keys.json`],
      { encoding: "utf8" },
    );
    expect(verified.stdout).toMatch(/✓ .*signed trailer valid/);
    expect(verified.status).toBe(0);

    // History, filtered to rejections: its Export CSV keeps the filter.
    await page.getByRole("link", { name: "History" }).click();
    await page.waitForURL(/\/history/);
    await page.getByLabel("Status").selectOption("rejected");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=rejected/);
    const history = await download(page, () => page.getByRole("link", { name: "Export CSV" }).click());
    const rows = history.text.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^seq,createdAt,kind,/);
    expect(rows.slice(1)).toHaveLength(1);
    expect(rows[1]).toContain("reject in the compliance test");
    expect(violations).toEqual([]);
  } finally {
    await context.close();
  }
});
