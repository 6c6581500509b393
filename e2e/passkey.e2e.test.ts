// Passkeys as the step-up for deciding from a phone, with real parts: the real dashboard,
// bridge and filesystem server, Debian's Chromium with its virtual authenticator (CDP
// WebAuthn domain) standing in for a phone's screen lock. A reviewer adds a passkey on the
// desktop; the same passkey (synced, as platform passkeys are) confirms her on a 390 px phone
// that is not signed in; she approves with a comment and the agent gets it. The link then
// does nothing; another reviewer's passkey cannot confirm her link; with
// AIRLOCK_REVIEW_LINK_STEP_UP=passkey even a signed-in reviewer must use hers.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge } from "../test/helpers/bridge-client";
import { api, FILESYSTEM_SERVER, freePort, startDashboard, waitFor } from "../test/helpers/dashboard";
import { openRawSql } from "../test/helpers/raw-sql";
import { launchBrowser, overflowsViewport, SCREENSHOT_DIR, seriousA11yViolations, signInAs, watchCspViolations } from "./browser";

const PASSWORD = "correct horse battery staple";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };

type Credential = { credentialId: string; isResidentCredential: boolean; rpId?: string; privateKey: string; userHandle?: string; signCount: number };

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/** A dashboard reached as http://localhost:<port> (a WebAuthn RP ID is a domain, never an IP address). */
async function startPasskeyDashboard(env: Record<string, string> = {}) {
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const dashboard = await startDashboard({ port, env: { AIRLOCK_PUBLIC_URL: base, NEXTAUTH_URL: base, ...env } });
  const admin = dashboard.addUser("admin@example.com", "admin", PASSWORD);
  const tokens = {
    rita: dashboard.addUser("rita@example.com", "reviewer", PASSWORD),
    sam: dashboard.addUser("sam@example.com", "reviewer", PASSWORD),
  };
  await api(dashboard, admin, "/api/rules", { body: { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval" } });
  await api(dashboard, admin, "/api/rules", { body: { name: "reads pass", match: { tool: "*" }, action: "allow" } });
  const bridgeToken = dashboard.cli("bridge-token", "create", "--name", "passkey-laptop", "--new-tools", "enabled");
  return { dashboard, base, admin, tokens, bridgeToken };
}
type Setup = Awaited<ReturnType<typeof startPasskeyDashboard>>;

/** Chromium's virtual authenticator on one page (CDP's WebAuthn domain works per page target), verifying its user. */
async function addAuthenticator(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { cdp, authenticatorId };
}

/** Signs in on a desktop page and adds a passkey on Settings → Passkeys; returns the credential, as a synced passkey carries it to the phone. */
async function registerOnDesktop(
  s: Setup,
  email: string,
  name: string,
): Promise<{ credential: Credential; context: BrowserContext; page: Page; csp: string[] }> {
  const context = await browser.newContext(DESKTOP);
  const page = await context.newPage();
  const csp = watchCspViolations(page);
  const { cdp, authenticatorId } = await addAuthenticator(context, page);
  await signInAs(page, s.base, email, PASSWORD);
  await page.goto(`${s.base}/settings/passkeys`);
  const rows = await page.getByTestId("passkey-row").count();
  await page.getByLabel("Passkey name").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect.poll(() => page.getByText(`Passkey "${name}" added.`).isVisible()).toBe(true);
  await expect.poll(() => page.getByTestId("passkey-row").count()).toBe(rows + 1);
  const { credentials } = (await cdp.send("WebAuthn.getCredentials", { authenticatorId })) as { credentials: Credential[] };
  expect(credentials).toHaveLength(1);
  return { credential: credentials[0], context, page, csp };
}

/** A fresh, signed-out phone whose authenticator holds the synced passkey. */
async function phoneWith(credential: Credential | null) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const csp = watchCspViolations(page);
  const { cdp, authenticatorId } = await addAuthenticator(context, page);
  if (credential) await cdp.send("WebAuthn.addCredential", { authenticatorId, credential });
  return { context, page, csp };
}

/** One held write_file call and a review link for `who` (made with their personal token, as the dashboard's button does). */
async function heldCall(s: Setup, bridge: Awaited<ReturnType<typeof connectThroughBridge>>, path: string, content: string) {
  const call = bridge.client.callTool({ name: "write_file", arguments: { path, content } });
  const id = await waitFor(async () => {
    const { body } = await api(s.dashboard, s.admin, "/api/approvals?status=pending");
    return body.items.find((a: { keyArguments: unknown }) => JSON.stringify(a.keyArguments).includes(basename(path)))?.id as string | undefined;
  });
  return { call, id };
}

async function linkFor(s: Setup, token: string, approvalId: string): Promise<{ url: string; token: string }> {
  const { status, body } = await api(s.dashboard, token, `/api/approvals/${approvalId}/review-link`, { body: {} });
  expect(status).toBe(201);
  const url = String(body.url);
  expect(url.startsWith(`${s.base}/r/`)).toBe(true);
  return { url, token: new URL(url).pathname.slice(3) };
}

async function auditEvents(s: Setup, kinds: string[]) {
  const sql = await openRawSql(s.dashboard.database);
  const rows = await sql.query<{ kind: string; actorId: string | null; approvalId: string | null; detail: string }>(
    `SELECT "kind", "actorId", "approvalId", CAST("detail" AS TEXT) AS "detail" FROM "AuditEvent" WHERE "kind" IN (${kinds.map((_, i) => `$${i + 1}`).join(", ")}) ORDER BY "seq"`,
    kinds,
  );
  await sql.close();
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
}

/** A WebAuthn assertion made in the page by hand, for any credential the client likes (what a tampered client does), posted to verify. */
async function forgedVerify(page: Page, linkToken: string, credentialIdBase64: string) {
  return page.evaluate(
    async ({ linkToken, credentialIdBase64 }) => {
      const fromB64 = (s: string) => {
        const b = s.replace(/-/g, "+").replace(/_/g, "/");
        return Uint8Array.from(atob(b + "===".slice((b.length + 3) % 4)), (c) => c.charCodeAt(0));
      };
      const toB64url = (buf: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(buf)))
          .replace(/\+/g, "-")
          .replace(/\//g, "_")
          .replace(/=+$/, "");
      const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      const options = await (await post("/api/review-links/passkey/options", { token: linkToken })).json();
      const cred = (await navigator.credentials.get({
        publicKey: {
          challenge: fromB64(options.challenge),
          rpId: options.rpId,
          allowCredentials: [{ type: "public-key", id: fromB64(credentialIdBase64) }],
          userVerification: "required",
          timeout: 10_000,
        },
      })) as PublicKeyCredential;
      const r = cred.response as AuthenticatorAssertionResponse;
      const res = await post("/api/review-links/passkey/verify", {
        token: linkToken,
        response: {
          id: cred.id,
          rawId: toB64url(cred.rawId),
          type: "public-key",
          response: {
            clientDataJSON: toB64url(r.clientDataJSON),
            authenticatorData: toB64url(r.authenticatorData),
            signature: toB64url(r.signature),
          },
          clientExtensionResults: {},
        },
      });
      return { status: res.status, body: await res.json() };
    },
    { linkToken, credentialIdBase64 },
  );
}

describe("passkeys on review links", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startPasskeyDashboard();
  });
  afterAll(async () => s?.dashboard.stop());

  it("a reviewer adds a passkey on the desktop, confirms with it on a signed-out phone, approves with a comment; the link then does nothing", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "airlock-passkey-"));
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: s.dashboard.url, token: s.bridgeToken });
    try {
      const desktop = await registerOnDesktop(s, "rita@example.com", "Rita's phone");
      const row = desktop.page.getByTestId("passkey-row").filter({ hasText: "Rita's phone" });
      expect(await row.innerText()).toMatch(/^Rita's phone\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+never\s/);
      expect(await seriousA11yViolations(desktop.page)).toEqual([]);

      const target = join(workspace, "passkey.txt");
      const { call, id } = await heldCall(s, bridge, target, "approved with a passkey");
      const link = await linkFor(s, s.tokens.rita, id);

      const phone = await phoneWith(desktop.credential);
      await phone.page.goto(link.url);
      await expect.poll(() => phone.page.getByRole("heading", { name: "Confirm it's you" }).isVisible()).toBe(true);
      // Nothing about the request before the passkey: not its tool, not its arguments.
      const before = await phone.page.content();
      expect(before).not.toContain("approved with a passkey");
      expect(before).not.toContain("write_file");
      expect(before).not.toContain("passkey.txt");
      expect(await phone.page.getByRole("link", { name: "Sign in with password" }).isVisible()).toBe(true);
      expect(await seriousA11yViolations(phone.page)).toEqual([]);

      // The assertion's request is kept to replay it below.
      const verifyRequest = phone.page.waitForRequest((r) => r.url().endsWith("/api/review-links/passkey/verify"));
      await phone.page.getByRole("button", { name: "Use your passkey" }).click();
      await expect.poll(() => phone.page.getByText("approved with a passkey").isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await phone.page.getByText("Confirmed with the passkey of rita@example.com.").isVisible()).toBe(true);
      expect(await overflowsViewport(phone.page)).toBe(false);
      expect(await seriousA11yViolations(phone.page)).toEqual([]);
      await phone.page.screenshot({ path: join(SCREENSHOT_DIR, "passkey-phone-link.png"), fullPage: true });

      // The assertion's challenge was spent: the same answer again earns nothing.
      const replay = await phone.context.request.post(`${s.base}/api/review-links/passkey/verify`, {
        headers: { "content-type": "application/json" },
        data: (await verifyRequest).postData() ?? "",
      });
      expect(replay.status()).toBe(403);
      expect((await replay.json()).error.message).toMatch(/could not be verified/);

      await phone.page.getByLabel(/Comment/).fill("Fine, signed with my passkey");
      await phone.page.getByRole("button", { name: "Approve" }).click();
      await expect.poll(() => phone.page.getByTestId("link-result").innerText()).toMatch(/approved/);

      const result = await call;
      expect(result.isError).toBeFalsy();
      expect(readFileSync(target, "utf8")).toBe("approved with a passkey");
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: [], comment: "Fine, signed with my passkey" });

      // Recorded under Rita's name, through a link, with a passkey.
      const ritaId = (await auditEvents(s, ["passkey_added"])).find((e) => e.detail.user === "rita@example.com")?.actorId;
      expect(ritaId).toBeTruthy();
      const decided = (await auditEvents(s, ["decided"])).filter((e) => e.approvalId === id);
      expect(decided).toHaveLength(1);
      expect(decided[0].actorId).toBe(ritaId);
      expect(decided[0].detail).toMatchObject({ decision: "approve", comment: "Fine, signed with my passkey", via: "review-link", stepUp: "passkey" });

      // Used once: the page asks again, and the passkey then hears that the link is spent; the decision API refuses it too.
      await phone.page.goto(link.url);
      await phone.page.getByRole("button", { name: "Use your passkey" }).click();
      await expect.poll(() => phone.page.getByTestId("passkey-error").innerText()).toMatch(/already used/);
      const again = await phone.context.request.post(`${s.base}/api/review-links/decide`, {
        headers: { "content-type": "application/json" },
        data: { token: link.token, decision: "reject" },
      });
      expect(again.status()).toBe(401);
      expect((await api(s.dashboard, s.tokens.rita, "/api/review-links/decide", { body: { token: link.token, decision: "reject" } })).status).toBe(409);

      // The passkey's last use shows on the desktop; deleting it is audited.
      await desktop.page.reload();
      expect(await row.innerText()).toMatch(/UTC\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s/);
      desktop.page.once("dialog", (d) => d.accept());
      await row.getByRole("button", { name: /Delete/ }).click();
      await expect.poll(() => row.count()).toBe(0);
      const changes = (await auditEvents(s, ["passkey_added", "passkey_removed"])).filter((e) => e.detail.passkey === "Rita's phone");
      expect(changes.map((e) => [e.kind, e.detail.user, e.detail.passkey])).toEqual([
        ["passkey_added", "rita@example.com", "Rita's phone"],
        ["passkey_removed", "rita@example.com", "Rita's phone"],
      ]);
      expect(desktop.csp).toEqual([]);
      expect(phone.csp).toEqual([]);
      await desktop.context.close();
      await phone.context.close();
    } finally {
      await bridge.close();
    }
  });

  it("another reviewer's passkey cannot confirm a reviewer's link", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "airlock-passkey-"));
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: s.dashboard.url, token: s.bridgeToken });
    try {
      const rita = await registerOnDesktop(s, "rita@example.com", "Rita's laptop");
      const sam = await registerOnDesktop(s, "sam@example.com", "Sam's phone");
      const { call, id } = await heldCall(s, bridge, join(workspace, "not-sams.txt"), "for rita only");
      const link = await linkFor(s, s.tokens.rita, id);

      // Sam holds Rita's link on his phone, with his own passkey.
      const phone = await phoneWith(sam.credential);
      await phone.page.goto(link.url);
      await expect.poll(() => phone.page.getByRole("heading", { name: "Confirm it's you" }).isVisible()).toBe(true);
      // The options allow only Rita's passkeys ...
      const options = await phone.context.request.post(`${s.base}/api/review-links/passkey/options`, {
        headers: { "content-type": "application/json" },
        data: { token: link.token },
      });
      const allowed = ((await options.json()).allowCredentials as { id: string }[]).map((c) => c.id);
      const b64url = (b64: string) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      expect(allowed).toEqual([b64url(rita.credential.credentialId)]);
      // ... and a client that signs with Sam's anyway is refused; nothing is shown and nothing decided.
      const forged = await forgedVerify(phone.page, link.token, sam.credential.credentialId);
      expect(forged.status).toBe(403);
      expect(forged.body.error.message).toBe("This passkey does not belong to the reviewer this link was made for.");
      await phone.page.reload();
      expect(await phone.page.content()).not.toContain("for rita only");
      const decide = await phone.context.request.post(`${s.base}/api/review-links/decide`, {
        headers: { "content-type": "application/json" },
        data: { token: link.token, decision: "approve" },
      });
      expect(decide.status()).toBe(401);
      expect((await api(s.dashboard, s.admin, `/api/approvals/${id}`)).body.status).toBe("pending");

      await api(s.dashboard, s.admin, `/api/approvals/${id}/decision`, { body: { decision: "reject" } });
      expect((await call).isError).toBe(true);
      expect(phone.csp).toEqual([]);
      for (const c of [rita.context, sam.context, phone.context]) await c.close();
    } finally {
      await bridge.close();
    }
  });
});

describe("with AIRLOCK_REVIEW_LINK_STEP_UP=passkey", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await startPasskeyDashboard({ AIRLOCK_REVIEW_LINK_STEP_UP: "passkey" });
  });
  afterAll(async () => s?.dashboard.stop());

  it("a signed-in reviewer must still confirm with a passkey, and one without a passkey is told how to add one", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "airlock-passkey-"));
    const bridge = await connectThroughBridge({ upstreams: [`node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: s.dashboard.url, token: s.bridgeToken });
    try {
      const target = join(workspace, "step-up.txt");
      const { call, id } = await heldCall(s, bridge, target, "needs a passkey");
      const samLink = await linkFor(s, s.tokens.sam, id);
      const ritaLink = await linkFor(s, s.tokens.rita, id);

      // Sam, signed in but without a passkey: told how to add one; the request is not shown; his token cannot decide.
      const sam = await browser.newContext(PHONE);
      const samPage = await sam.newPage();
      await signInAs(samPage, s.base, "sam@example.com", PASSWORD);
      await samPage.goto(samLink.url);
      await expect.poll(() => samPage.getByTestId("passkey-notice").innerText()).toMatch(/you have none yet\. Add one in Settings → Passkeys/);
      expect(await samPage.getByRole("link", { name: "Settings → Passkeys" }).getAttribute("href")).toBe("/settings/passkeys");
      expect(await samPage.getByRole("link", { name: "Sign in with password" }).count()).toBe(0);
      expect(await samPage.content()).not.toContain("needs a passkey");
      const bySam = await api(s.dashboard, s.tokens.sam, "/api/review-links/decide", { body: { token: samLink.token, decision: "approve" } });
      expect(bySam.status).toBe(403);
      expect(bySam.body.error.message).toMatch(/requires a passkey confirmation/);
      await samPage.getByRole("button", { name: "Use your passkey" }).click();
      await expect.poll(() => samPage.getByTestId("passkey-error").innerText()).toMatch(/You have no passkey yet/);
      await sam.close();

      // Rita, signed in on the page that holds her passkey: still asked for it, then decides.
      const rita = await registerOnDesktop(s, "rita@example.com", "Rita's laptop");
      await rita.page.goto(ritaLink.url);
      await expect.poll(() => rita.page.getByRole("heading", { name: "Confirm it's you" }).isVisible()).toBe(true);
      expect(await rita.page.content()).not.toContain("needs a passkey");
      expect(await rita.page.getByTestId("passkey-notice").innerText()).toMatch(/even when you are signed in/);
      const byToken = await api(s.dashboard, s.tokens.rita, "/api/review-links/decide", { body: { token: ritaLink.token, decision: "approve" } });
      expect(byToken.status).toBe(403);
      await rita.page.getByRole("button", { name: "Use your passkey" }).click();
      await expect.poll(() => rita.page.getByText("needs a passkey").isVisible(), { timeout: 20_000 }).toBe(true);
      expect(await rita.page.getByText("Signed in as rita@example.com, confirmed with your passkey.").isVisible()).toBe(true);
      await rita.page.getByLabel(/Comment/).fill("Stepped up");
      await rita.page.getByRole("button", { name: "Approve" }).click();
      await expect.poll(() => rita.page.getByTestId("link-result").innerText()).toMatch(/approved/);
      const result = await call;
      expect(result._meta?.["airlock/review"]).toEqual({ decision: "approved", editedFields: [], comment: "Stepped up" });
      const decided = (await auditEvents(s, ["decided"])).filter((e) => e.approvalId === id);
      expect(decided.map((e) => e.detail.stepUp)).toEqual(["passkey"]);
      expect(rita.csp).toEqual([]);
      await rita.context.close();
    } finally {
      await bridge.close();
    }
  });
});
