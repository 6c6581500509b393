// Single sign-on in a real browser against a real OpenID Provider (oidc-provider on loopback):
// a reviewer signs in through the provider's own login and consent pages and lands on the
// queue as the role their group maps to; a person in no mapped group is refused with the
// reason on the sign-in page; an admin disabling the user (through the API) ends their session.
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { api, type Dashboard, freePort, startDashboard } from "../test/helpers/dashboard";
import { startOidcProvider, type TestOidcProvider } from "../test/helpers/oidc-provider";
import { launchBrowser, SCREENSHOT_DIR, watchCspViolations } from "./browser";
import { signInWithOidc } from "./oidc";

let dashboard: Dashboard;
let idp: TestOidcProvider;
let browser: Browser;
let adminToken: string;
const SSO_NAME = "Test IdP";

beforeAll(async () => {
  const port = await freePort();
  idp = await startOidcProvider({
    dashboardUrl: `http://127.0.0.1:${port}`,
    accounts: [
      { login: "rita", email: "rita@example.com", name: "Rita", groups: ["staff", "airlock-reviewers"] },
      { login: "nina", email: "nina@example.com", groups: ["staff"] },
    ],
  });
  dashboard = await startDashboard({
    port,
    env: { ...idp.env, AIRLOCK_OIDC_NAME: SSO_NAME, AIRLOCK_OIDC_ROLE_MAP: "airlock-admins=admin,airlock-reviewers=reviewer,airlock-auditors=auditor" },
  });
  adminToken = dashboard.addUser("ada@example.com", "admin");
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
  await idp?.stop();
});

it("signs in through the provider's login and consent pages and lands on the queue as the mapped role; disabling the user ends the session", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    expect(await signInWithOidc(page, { dashboardUrl: dashboard.url, login: "rita", ssoName: SSO_NAME })).toBe(`${dashboard.url}/`);
    await page.getByTestId("queue").waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByText("rita@example.com").textContent()).toBe("rita@example.com reviewer");
    expect(await nav.getByRole("link", { name: "Users", exact: true }).count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "oidc-signed-in.png"), fullPage: true });
    expect(csp).toEqual([]);

    // The admin sees how she signs in, then disables her through the API: her next page is the sign-in page.
    const users = (await api(dashboard, adminToken, "/api/users")).body.users as { id: string; email: string; signInMethods: string[] }[];
    const rita = users.find((u) => u.email === "rita@example.com")!;
    expect(rita.signInMethods).toEqual(["sso"]);
    expect((await api(dashboard, adminToken, `/api/users/${rita.id}`, { method: "PATCH", body: { disabled: true } })).status).toBe(200);
    await page.reload();
    await page.waitForURL(/\/signin\?callbackUrl=/);
    const apiAnswer = await page.evaluate(async () => (await fetch("/api/approvals?status=pending")).status);
    expect(apiAnswer).toBe(401);
    // And single sign-on does not let her back in.
    expect(await signInWithOidc(page, { dashboardUrl: dashboard.url, login: "rita", ssoName: SSO_NAME })).toBe(`${dashboard.url}/signin?error=sso_disabled`);
    expect(await page.locator('p[role="alert"]').textContent()).toBe("Your Airlock account is disabled. Ask an admin to enable it.");
  } finally {
    await context.close();
  }
});

it("refuses a person in no mapped group, with the reason on the sign-in page", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    expect(await signInWithOidc(page, { dashboardUrl: dashboard.url, login: "nina", ssoName: SSO_NAME })).toBe(`${dashboard.url}/signin?error=sso_no_role`);
    expect(await page.locator('p[role="alert"]').textContent()).toBe(
      "Your account at the identity provider is in no group that has a role in Airlock. Ask an admin to add you to one.",
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, "oidc-refused.png"), fullPage: true });
    const users = (await api(dashboard, adminToken, "/api/users")).body.users as { email: string }[];
    expect(users.map((u) => u.email)).not.toContain("nina@example.com");
  } finally {
    await context.close();
  }
});

it("the Users page shows how each person signs in", async () => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    // Someone has signed in with SSO before (the other tests may run in any order).
    idp.setAccount({ login: "sam", email: "sam@example.com", groups: ["airlock-auditors"] });
    const samPage = await context.newPage();
    expect(await signInWithOidc(samPage, { dashboardUrl: dashboard.url, login: "sam", ssoName: SSO_NAME })).toBe(`${dashboard.url}/`);
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${dashboard.url}/signin`);
    await page.getByLabel(/email/i).fill("ada@example.com");
    await page.getByLabel(/password/i).fill("correct horse battery staple");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(`${dashboard.url}/`);
    await page.goto(`${dashboard.url}/users`);
    const cell = (email: string) => page.getByTestId("user-row").filter({ hasText: email }).getByTestId("user-sign-in");
    expect(await cell("sam@example.com").textContent()).toBe("SSO");
    expect(await cell("ada@example.com").textContent()).toBe("password");
  } finally {
    await context.close();
  }
});
