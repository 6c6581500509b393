import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT_DIR } from "../lib/db/database-url";

export const SCREENSHOT_DIR = join(ROOT_DIR, "test-results", "screenshots");

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * Collects the page's Content-Security-Policy violations (Chromium reports each one
 * on the console); a test asserts the list is empty once the page has been used.
 */
export function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** Signs in through the sign-in page, as a person does, and waits for the queue. */
export async function signInAs(page: Page, dashboardUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${dashboardUrl}/`);
  await page.waitForURL(/\/signin/);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole("button", { name: /sign in/i }).click();
  await page.waitForURL(`${dashboardUrl}/`);
}
