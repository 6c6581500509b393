// Identity end to end, as issue 13 asks: a reviewer signs in to the dashboard through single
// sign-on (a real OpenID Provider), her MCP client connects to a remote bridge with OAuth (the
// MCP SDK's own client flow, its consent given in her browser), and the call it makes is held
// with her as the signed-in principal: her queue shows it, and she cannot approve it herself.
// Another reviewer can, and the agent gets its result.
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type HttpBridge, startHttpBridge, textOf } from "../test/helpers/bridge-client";
import { api, type Dashboard, freePort, startDashboard, waitFor } from "../test/helpers/dashboard";
import { connectWithOAuth, InMemoryOAuthClient } from "../test/helpers/oauth-client";
import { startOidcProvider, type TestOidcProvider } from "../test/helpers/oidc-provider";
import { launchBrowser, SCREENSHOT_DIR, watchCspViolations } from "./browser";
import { signInWithOidc } from "./oidc";

const ECHO_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "test", "servers", "echo-server.ts")}`;
const SSO_NAME = "Company SSO";

let dashboard: Dashboard;
let idp: TestOidcProvider;
let bridge: HttpBridge;
let browser: Browser;
let sam: string;
// The MCP client's loopback callback, as desktop MCP clients run one: the browser lands here with the code.
let callback: Server;
let redirectUri: string;
let onCode: (url: URL) => void = () => undefined;

beforeAll(async () => {
  const port = await freePort();
  idp = await startOidcProvider({
    dashboardUrl: `http://127.0.0.1:${port}`,
    accounts: [{ login: "rita", email: "rita@example.com", name: "Rita", groups: ["airlock-reviewers"] }],
  });
  dashboard = await startDashboard({ port, env: { ...idp.env, AIRLOCK_OIDC_NAME: SSO_NAME, AIRLOCK_OIDC_ROLE_MAP: "airlock-reviewers=reviewer" } });
  const admin = dashboard.addUser("admin@example.com", "admin");
  sam = dashboard.addUser("sam@example.com", "reviewer");
  for (const rule of [
    { name: "hold stamps", match: { tool: "stamp" }, action: "require_approval", timeoutSeconds: 120 },
    { name: "let the rest through", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
  const token = dashboard.cli("bridge-token", "create", "--name", "remote", "--new-tools", "enabled");
  bridge = await startHttpBridge({ upstreams: [ECHO_SERVER], dashboardUrl: dashboard.url, token, extraArgs: ["--auth", "oauth"] });
  browser = await launchBrowser();
  callback = createServer((req, res) => {
    onCode(new URL(req.url ?? "/", redirectUri));
    res.writeHead(200, { "content-type": "text/plain" }).end("You can close this tab.");
  });
  await new Promise<void>((resolve) => callback.listen(0, "127.0.0.1", resolve));
  redirectUri = `http://127.0.0.1:${(callback.address() as { port: number }).port}/callback`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  callback?.close();
  await bridge?.stop();
  await dashboard?.stop();
  await idp?.stop();
});

/** Her MCP client's OAuth: "opening the browser" opens the authorization URL in her signed-in tab and approves there. */
function oauthClientIn(page: Page): InMemoryOAuthClient {
  return new InMemoryOAuthClient({
    redirectUri,
    clientName: "Rita's agent",
    async authorize(url) {
      const redirected = new Promise<URL>((resolve) => {
        onCode = resolve;
      });
      await page.goto(url.toString());
      await page.getByTestId("oauth-client").waitFor();
      await page.screenshot({ path: join(SCREENSHOT_DIR, "identity-oauth-consent.png"), fullPage: true });
      await page.getByRole("button", { name: "Approve", exact: true }).click();
      return redirected;
    },
  });
}

it("an SSO-signed-in reviewer's OAuth-connected agent is held as her, and she cannot approve it herself", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  try {
    const page = await context.newPage();
    const csp = watchCspViolations(page);
    expect(await signInWithOidc(page, { dashboardUrl: dashboard.url, login: "rita", ssoName: SSO_NAME })).toBe(`${dashboard.url}/`);

    // Her MCP client: the SDK's OAuth flow (401, discovery, registration, consent in her browser, PKCE code exchange).
    const provider = oauthClientIn(page);
    const client = await connectWithOAuth(bridge.url, provider, "ritas-agent");
    expect(provider.code).toMatch(/^alk_oac_/);
    try {
      // The agent claims to act for someone else; the bridge knows better.
      const held = client.callTool({ name: "stamp", arguments: { note: "for the audit" }, _meta: { "airlock/user": "sam@example.com" } });

      await page.goto(`${dashboard.url}/`);
      const row = page.getByTestId("queue-row").filter({ hasText: "stamp" });
      await row.waitFor();
      expect(await row.textContent()).toContain("for rita@example.com (signed in)");
      await row.getByRole("link").first().click();
      await page.waitForURL(/\/approvals\//);
      await page.getByRole("button", { name: "Approve", exact: true }).click();
      const alert = page.locator('[role="alert"]').filter({ hasText: "own behalf" });
      await alert.waitFor();
      expect(await alert.textContent()).toContain("you cannot decide a request made on your own behalf");
      await page.screenshot({ path: join(SCREENSHOT_DIR, "identity-self-approval-refused.png"), fullPage: true });

      // Another reviewer approves; the agent gets its result.
      const pending = await waitFor(async () =>
        (await api(dashboard, sam, "/api/approvals?status=pending")).body.items.find((a: { tool: string }) => a.tool === "stamp"),
      );
      expect(pending).toMatchObject({ principal: "rita@example.com", principalVerified: true });
      expect((await api(dashboard, sam, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(200);
      const result = await held;
      expect(result.isError).toBeFalsy();
      expect(Number(textOf(result))).toBeGreaterThan(0);
      expect(csp).toEqual([]);
    } finally {
      await client.close();
    }
  } finally {
    await context.close();
  }
});
