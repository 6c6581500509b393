// Issue 12's "done when", end to end with real parts: a reviewer who is not looking
// at the dashboard gets an email (a real SMTP server from npm receives it), opens its
// signed single-use link on a 390 px phone, signs in, approves with a comment, and the
// agent's call runs and carries the comment. The link then does nothing.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectThroughBridge } from "../test/helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, freePort, startDashboard, waitFor } from "../test/helpers/dashboard";
import { collectSmtpErrors } from "../test/helpers/smtp-errors";
import { launchBrowser, overflowsViewport, SCREENSHOT_DIR, seriousA11yViolations } from "./browser";

const PASSWORD = "correct horse battery staple";
let dashboard: Dashboard;
let browser: Browser;
let smtp: SMTPServer;
let smtpErrors: Error[] = [];
const mails: { to: string; text: string }[] = [];

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk) => (raw += chunk.toString("latin1")));
      stream.on("end", () => {
        // Quoted-printable soft breaks and escapes undone.
        const text = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
        for (const to of session.envelope.rcptTo) mails.push({ to: to.address, text });
        callback();
      });
    },
  });
  smtpErrors = collectSmtpErrors(smtp);
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));
  const port = await freePort();
  dashboard = await startDashboard({
    port,
    env: {
      AIRLOCK_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      AIRLOCK_SMTP_FROM: "Airlock <airlock@example.com>",
      AIRLOCK_PUBLIC_URL: `http://127.0.0.1:${port}`,
    },
  });
  const admin = dashboard.addUser("admin@example.com", "admin");
  dashboard.addUser("rita@example.com", "reviewer", PASSWORD);
  await api(dashboard, admin, "/api/rules", { body: { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" } });
  await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await new Promise((resolve) => smtp?.close(() => resolve(undefined)));
  // A connection reset by the stopping dashboard is tolerated; any other SMTP error fails the file.
  expect(smtpErrors).toEqual([]);
});

it("a reviewer away from the dashboard approves from a phone through the emailed link, and the agent gets the comment", async () => {
  const workspace = mkdtempSync(join(tmpdir(), "airlock-phone-"));
  const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "phone-laptop", "--new-tools", "enabled");
  const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
  try {
    const target = join(workspace, "invoice.txt");
    const call = bridge.client.callTool({
      name: "write_file",
      arguments: { path: target, content: "Invoice 2026-114\nTotal: 1,200 EUR" },
      _meta: { "airlock/prompt": "File the November invoice" },
    });
    // Nobody has the dashboard open: the alert is an email.
    const mail = await waitFor(async () => mails.find((m) => m.to === "rita@example.com"), { timeoutMs: 20_000 });
    const link = new RegExp(`${dashboard.url.replace(/[.:/]/g, "\\$&")}/r/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+`).exec(mail.text)?.[0];
    expect(link).toBeTruthy();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.goto(link!);
    // Signed out: nothing about the request yet, only "Confirm it's you" (passkey or password).
    await expect.poll(() => phone.getByRole("heading", { name: "Confirm it's you" }).isVisible()).toBe(true);
    await phone.getByRole("link", { name: "Sign in with password" }).click();
    await phone.waitForURL(/\/signin/);
    await phone.getByLabel(/email/i).fill("rita@example.com");
    await phone.getByLabel(/password/i).fill(PASSWORD);
    await phone.getByRole("button", { name: /sign in/i }).click();
    await phone.waitForURL(link!);
    await expect.poll(() => phone.getByText("File the November invoice").isVisible()).toBe(true);
    // The invoice's lines are shown as lines.
    await expect.poll(() => phone.getByTestId("string-value").filter({ hasText: "Invoice 2026-114" }).innerText()).toBe("Invoice 2026-114\nTotal: 1,200 EUR");
    expect(await overflowsViewport(phone)).toBe(false);
    expect(await seriousA11yViolations(phone)).toEqual([]);
    await phone.getByLabel(/Comment/).fill("OK, file it under November");
    await phone.screenshot({ path: join(SCREENSHOT_DIR, "phone-approval.png"), fullPage: true });
    await phone.getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => phone.getByTestId("link-result").innerText()).toMatch(/approved/);

    const result = await call;
    expect(result.isError).toBeFalsy();
    expect(readFileSync(target, "utf8")).toBe("Invoice 2026-114\nTotal: 1,200 EUR");
    expect((result.content as { text: string }[]).at(-1)?.text).toBe(
      '[Airlock] a reviewer approved this call. Reviewer\'s comment: "OK, file it under November".',
    );

    // Used: the same link does nothing now.
    await phone.goto(link!);
    await expect.poll(() => phone.getByTestId("link-problem").innerText()).toMatch(/already used/);
    await phone.close();
  } finally {
    await bridge.close();
  }
});
