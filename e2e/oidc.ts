import type { Page } from "playwright-core";

export interface OidcBrowserSignIn {
  dashboardUrl: string;
  /** The login typed on the identity provider's sign-in page. */
  login: string;
  /** The password typed there (the test provider's pages accept any). */
  password?: string;
  /** The SSO button's label as configured (AIRLOCK_OIDC_NAME). */
  ssoName: string;
  /** Where to start (default the queue, `/`); a signed-out visit goes to the sign-in page first. */
  startPath?: string;
}

/**
 * Signs in through single sign-on as a person does: the dashboard's sign-in page, its SSO
 * button, the identity provider's own login and consent pages, and back. Resolves with the
 * dashboard URL it lands on: the page it started from when signed in, or
 * `/signin?error=…` when refused. Reusable by any browser test (test/helpers/oidc-provider.ts
 * starts the provider).
 */
export async function signInWithOidc(
  page: Page,
  { dashboardUrl, login, password = "any password", ssoName, startPath = "/" }: OidcBrowserSignIn,
): Promise<string> {
  await page.goto(`${dashboardUrl}${startPath}`);
  await page.waitForURL(/\/signin/);
  // The provider's pages (not the dashboard's): their stylesheet imports a web font this closed network cannot load.
  const isOnProvider = (url: URL) => url.origin !== dashboardUrl;
  // A provider that remembers the person (signed in and consented before) sends them straight back.
  const signInPage = page.url();
  await Promise.all([
    page.waitForURL((url) => url.href !== signInPage && (isOnProvider(url) || !url.pathname.startsWith("/api/auth/")), { waitUntil: "domcontentloaded" }),
    page.getByRole("button", { name: `Sign in with ${ssoName}`, exact: true }).click(),
  ]);
  for (let step = 0; step < 4 && isOnProvider(new URL(page.url())); step++) {
    await page.waitForLoadState("domcontentloaded");
    const here = page.url();
    const leaves = () => page.waitForURL((url) => url.href !== here, { waitUntil: "domcontentloaded" });
    const loginField = page.locator('input[name="login"]');
    if (await loginField.isVisible()) {
      await loginField.fill(login);
      await page.locator('input[name="password"]').fill(password);
      await Promise.all([leaves(), page.getByRole("button", { name: "Sign-in" }).click()]);
    } else if (await page.getByRole("button", { name: "Continue" }).isVisible()) {
      await Promise.all([leaves(), page.getByRole("button", { name: "Continue" }).click()]);
    }
  }
  await page.waitForURL((url) => url.origin === dashboardUrl && !url.pathname.startsWith("/api/auth/"));
  return page.url();
}
