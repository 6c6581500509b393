// Alerts that reach reviewers who are not looking at the dashboard, with real parts: the built
// dashboard, the real bridge in front of the reference filesystem server, a real SMTP server
// (smtp-server) collecting the mail, a local HTTP receiver verifying Standard Webhooks signatures
// with the standardwebhooks library, and a local "push service" that checks the VAPID JWT and
// decrypts each Web Push message (RFC 8291, aes128gcm) with the subscription's private key.
import { createECDH, createPublicKey, randomBytes, verify } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge } from "../helpers/bridge-client";
import { afterBlockingCalls, api, type Dashboard, FILESYSTEM_SERVER, freePort, startDashboard, waitFor } from "../helpers/dashboard";
import { collectSmtpErrors } from "../helpers/smtp-errors";

const ece = createRequire(import.meta.url)("http_ece") as {
  decrypt(buffer: Buffer, params: { version: string; privateKey: ReturnType<typeof createECDH>; authSecret: string }): Buffer;
};

const SMTP_PASSWORD = "smtp-pa55word-never-logged";
const workspace = mkdtempSync(join(tmpdir(), "airlock-notify-"));

let dashboard: Dashboard;
let admin: string;
let rita: string;
let sam: string;
let bridgeToken: string;
let smtp: SMTPServer;
let smtpErrors: Error[] = [];
let receiver: Server;
let pushService: Server;
let receiverUrl: string;
let pushUrl: string;
let vapidPublicKey: string;

interface Mail {
  to: string[];
  raw: string;
  text: string;
}
const mails: Mail[] = [];
interface Hook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  verified: unknown;
}
const hooks: Hook[] = [];
/** Answers per path: a list of statuses to give in turn (then 200). */
const answers = new Map<string, number[]>();
const secrets = new Map<string, string>();
interface Push {
  path: string;
  at: number;
  message: { title: string; body: string; url: string; approvalId: string };
  jwt: { aud: string; exp: number; sub: string };
}
const pushes: Push[] = [];
const subscriber = { ecdh: createECDH("prime256v1"), auth: randomBytes(16).toString("base64url") };

/** Quoted-printable soft breaks and escapes undone: the mail's text as a reader sees it. */
function decodeMail(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Checks a VAPID Authorization header (RFC 8292): `vapid t=<ES256 JWT>, k=<public key>`; returns the JWT's claims. */
function checkVapid(header: string | undefined): Push["jwt"] {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!match) throw new Error(`not a VAPID Authorization header: ${header}`);
  const [, jwt, k] = match;
  if (k !== vapidPublicKey) throw new Error("signed with another key than the dashboard's VAPID public key");
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const [head, payload, signature] = jwt.split(".");
  const isValid = verify("sha256", Buffer.from(`${head}.${payload}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!isValid) throw new Error("the VAPID JWT's signature does not verify");
  expect(JSON.parse(Buffer.from(head, "base64url").toString())).toMatchObject({ alg: "ES256", typ: "JWT" });
  return JSON.parse(Buffer.from(payload, "base64url").toString());
}

async function listen(server: Server): Promise<string> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${port}`;
}

const pendingFor = (tool: string, exclude: string[] = []) =>
  waitFor(async () => {
    const { body } = await api(dashboard, rita, "/api/approvals?status=pending");
    return body.items.find((a: { id: string; tool: string }) => a.tool === tool && !exclude.includes(a.id)) as { id: string } | undefined;
  });

const hooksFor = (path: string, approvalId: string, type?: string) =>
  hooks.filter(
    (h) => h.path === path && (h.verified as { data?: { id?: string } })?.data?.id === approvalId && (!type || (h.verified as { type: string }).type === type),
  );

/** An endpoint for every event type at this path, created the first time a test asks for it. */
async function ensureEndpoint(path: string) {
  if (!secrets.has(path)) await createEndpoint(path);
}

async function createEndpoint(path: string, body: Record<string, unknown> = {}) {
  const res = await api(dashboard, admin, "/api/webhooks", { body: { url: `${receiverUrl}${path}`, ...body } });
  expect(res.status).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_/);
  secrets.set(path, res.body.secret);
  return res.body as { id: string; secret: string };
}

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === "airlock" && auth.password === SMTP_PASSWORD ? callback(null, { user: auth.username }) : callback(new Error("bad credentials")),
    onData(stream, session, callback) {
      let raw = "";
      stream.on("data", (chunk) => (raw += chunk.toString("latin1")));
      stream.on("end", () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: decodeMail(raw) });
        callback();
      });
    },
  });
  smtpErrors = collectSmtpErrors(smtp);
  const smtpPort = await freePort();
  await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));

  receiver = createServer(async (req, res) => {
    const body = (await readBody(req)).toString("utf8");
    const path = req.url ?? "/";
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let verified: unknown = null;
    try {
      verified = new Webhook(secrets.get(path) ?? "whsec_AAAA").verify(body, headers);
    } catch {
      verified = null;
    }
    hooks.push({ path, headers, body, at: Date.now(), verified });
    const queue = answers.get(path) ?? [];
    res.writeHead(queue.shift() ?? 200).end("ok");
  });
  receiverUrl = await listen(receiver);

  pushService = createServer(async (req, res) => {
    const body = await readBody(req);
    try {
      expect(req.headers["content-encoding"]).toBe("aes128gcm");
      expect(Number(req.headers.ttl)).toBeGreaterThan(0);
      const jwt = checkVapid(req.headers.authorization);
      const plain = ece.decrypt(body, { version: "aes128gcm", privateKey: subscriber.ecdh, authSecret: subscriber.auth });
      pushes.push({ path: req.url ?? "/", at: Date.now(), message: JSON.parse(plain.toString("utf8")), jwt });
      res.writeHead(201).end();
    } catch (error) {
      console.error("push service refused a message", error);
      res.writeHead(400).end();
    }
  });
  pushUrl = await listen(pushService);
  subscriber.ecdh.generateKeys();

  dashboard = await startDashboard({
    env: {
      AIRLOCK_SMTP_URL: `smtp://airlock:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`,
      AIRLOCK_SMTP_FROM: "Airlock <airlock@example.com>",
      AIRLOCK_PUBLIC_URL: "https://airlock.example.com",
      // The local push service is plain http on loopback: allowed for this test only.
      AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP: "1",
    },
  });
  admin = dashboard.addUser("admin@example.com", "admin");
  rita = dashboard.addUser("rita@example.com", "reviewer");
  sam = dashboard.addUser("sam@example.com", "reviewer");
  dashboard.addUser("dana@example.com", "reviewer");
  dashboard.addUser("dave@example.com", "reviewer");
  dashboard.cli("user", "disable", "--email", "dave@example.com");
  dashboard.addUser("audrey@example.com", "auditor");
  bridgeToken = dashboard.cli("bridge-token", "create", "--name", "notify-laptop", "--new-tools", "enabled");
  await afterBlockingCalls();
  for (const rule of [
    { name: "writes expire fast", match: { tool: "*write_file" }, when: 'args.path.endsWith("expire.txt")', action: "require_approval", timeoutSeconds: 2 },
    { name: "hold file writes", match: { tool: "*write_file" }, action: "require_approval", timeoutSeconds: 120 },
    { name: "let the rest through", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
  // Sam turns email off; Rita turns push on in "her browser" (the fake push service).
  expect((await api(dashboard, sam, "/api/me/notifications", { method: "PATCH", body: { emailAlerts: false } })).body).toMatchObject({ emailAlerts: false });
  vapidPublicKey = (await api(dashboard, rita, "/api/push/vapid-public-key")).body.publicKey;
  expect(Buffer.from(vapidPublicKey, "base64url")).toHaveLength(65);
  const subscription = {
    endpoint: `${pushUrl}/push/rita`,
    expirationTime: null,
    keys: { p256dh: subscriber.ecdh.getPublicKey().toString("base64url"), auth: subscriber.auth },
  };
  expect((await api(dashboard, rita, "/api/push/subscriptions", { body: subscription })).status).toBe(201);
}, 240_000);

afterAll(async () => {
  await dashboard?.stop();
  await new Promise((resolve) => smtp?.close(() => resolve(undefined)));
  // A connection reset by the stopping dashboard is tolerated; any other SMTP error fails the file.
  expect(smtpErrors).toEqual([]);
  receiver?.close();
  pushService?.close();
});

describe("configuration is validated", () => {
  it("refuses a webhook URL that is not http(s), and a push endpoint on plain http elsewhere than loopback", async () => {
    for (const url of ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)"]) {
      const res = await api(dashboard, admin, "/api/webhooks", { body: { url } });
      expect(res.status, url).toBe(422);
    }
    const keys = { p256dh: subscriber.ecdh.getPublicKey().toString("base64url"), auth: subscriber.auth };
    expect((await api(dashboard, rita, "/api/push/subscriptions", { body: { endpoint: "http://push.example.com/x", keys } })).status).toBe(422);
    expect((await api(dashboard, admin, "/api/webhooks")).body.endpoints).toEqual([]);
    // Reviewers and auditors do not manage webhooks.
    expect((await api(dashboard, rita, "/api/webhooks")).status).toBe(403);
  });
});

describe("a held call alerts the people who may decide", () => {
  it("sends one email per eligible reviewer, a verified webhook per enabled endpoint, and a decryptable push; then decided", async () => {
    const a = await createEndpoint("/hook-a");
    const mailStart = mails.length;
    const slack = await createEndpoint("/hook-slack", { format: "slack", eventTypes: ["approval.created"] });
    const off = await createEndpoint("/hook-off", { enabled: false });
    expect(off.id).toBeTruthy();
    // The list never shows a secret again.
    expect(JSON.stringify((await api(dashboard, admin, "/api/webhooks")).body)).not.toContain("whsec_");

    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const path = join(workspace, "notified.txt");
      const call = bridge.client.callTool({
        name: "write_file",
        arguments: { path, content: "<b>hello</b>" },
        _meta: { "airlock/user": "dana@example.com", "airlock/prompt": "Save <b>hello</b> for Dana, please" },
      });
      const pending = await pendingFor("write_file");

      // Webhooks: the standard one, verified with its secret, with the event's payload.
      const [created] = await waitFor(async () => (hooksFor("/hook-a", pending.id).length ? hooksFor("/hook-a", pending.id) : undefined));
      expect(created.verified).toMatchObject({
        type: "approval.created",
        data: {
          id: pending.id,
          url: `https://airlock.example.com/approvals/${pending.id}`,
          status: "pending",
          server: "fs",
          tool: "write_file",
          bridge: "notify-laptop",
          principal: "dana@example.com",
          rule: "hold file writes",
          arguments: { path, content: "<b>hello</b>" },
          decidedBy: null,
        },
      });
      expect(created.headers["webhook-id"]).toMatch(/^msg_/);
      // Sanity: the same message does not verify under another secret.
      expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(created.body, created.headers)).toThrow();
      // Slack: {text, blocks}, signed too.
      const slackHook = await waitFor(async () => hooks.find((h) => h.path === "/hook-slack"));
      expect(Object.keys(slackHook.verified as object)).toEqual(["text", "blocks"]);
      expect((slackHook.verified as { text: string }).text).toBe("Approval needed: write_file on fs (bridge notify-laptop)");
      expect(JSON.stringify(slackHook.verified)).not.toContain("<b>");

      // Email: the admin and Rita. Not Sam (email off), Dana (she asked), Dave (disabled), Audrey (auditor).
      const mine = () => mails.slice(mailStart);
      await waitFor(async () => (mine().length >= 2 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      expect(
        mine()
          .map((m) => m.to)
          .sort(),
      ).toEqual([["admin@example.com"], ["rita@example.com"]]);
      const ritaMail = mine().find((m) => m.to[0] === "rita@example.com")!;
      const adminMail = mine().find((m) => m.to[0] === "admin@example.com")!;
      expect(ritaMail.raw).toMatch(/^Subject: Approval needed: write_file on fs \(bridge notify-laptop\)/m);
      expect(ritaMail.raw).toMatch(/^From: Airlock <airlock@example\.com>/m);
      // Each person's email carries their own signed, single-use review link.
      const linkIn = (text: string) => /https:\/\/airlock\.example\.com\/r\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/.exec(text)?.[1];
      const ritaLink = linkIn(ritaMail.text);
      const adminLink = linkIn(adminMail.text);
      expect(ritaLink).toBeTruthy();
      expect(adminLink).toBeTruthy();
      expect(ritaLink).not.toBe(adminLink);
      expect(ritaMail.text).toContain("Save <b>hello</b> for Dana, please"); // the plain-text part
      expect(ritaMail.text).toContain("Save &lt;b&gt;hello&lt;/b&gt; for Dana, please"); // the HTML part, escaped
      expect(ritaMail.text).toContain("text/html");

      // Push: to Rita's subscription, decrypted here, VAPID JWT for this push service's origin.
      const push = await waitFor(async () => pushes.find((p) => p.message.approvalId === pending.id));
      expect(push.path).toBe("/push/rita");
      expect(push.message).toEqual({
        title: "Approval needed: write_file on fs (bridge notify-laptop)",
        body: "write_file on fs · bridge notify-laptop",
        url: expect.stringMatching(/^https:\/\/airlock\.example\.com\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
        approvalId: pending.id,
      });
      expect(push.message.url).not.toContain(ritaLink!);
      expect(push.jwt.aud).toBe(pushUrl);
      expect(push.jwt.sub).toBe("mailto:admin@localhost");
      expect(push.jwt.exp * 1000).toBeGreaterThan(Date.now());

      // Decided: the standard endpoint hears it (Slack subscribed to created only), with who and why.
      // The admin's link does nothing for Rita; Rita decides through her own, once.
      const forwarded = await api(dashboard, rita, "/api/review-links/decide", { body: { token: adminLink, decision: "approve" } });
      expect(forwarded.status).toBe(403);
      expect(forwarded.body.error.message).toMatch(/another reviewer/);
      const viaLink = await api(dashboard, rita, "/api/review-links/decide", { body: { token: ritaLink, decision: "reject", comment: "not today" } });
      expect(viaLink.status).toBe(200);
      expect((await api(dashboard, rita, "/api/review-links/decide", { body: { token: ritaLink, decision: "reject" } })).status).toBe(409);
      const [decided] = await waitFor(async () =>
        hooksFor("/hook-a", pending.id, "approval.decided").length ? hooksFor("/hook-a", pending.id, "approval.decided") : undefined,
      );
      expect(decided.verified).toMatchObject({
        type: "approval.decided",
        data: { status: "rejected", outcome: "rejected", decidedBy: "rita@example.com", comment: "not today" },
      });
      expect((await call).isError).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(hooks.filter((h) => h.path === "/hook-slack")).toHaveLength(1);
      expect(hooks.filter((h) => h.path === "/hook-off")).toHaveLength(0);
      // One email per reviewer for the creation, none for the decision.
      expect(mine()).toHaveLength(2);
      // The password in AIRLOCK_SMTP_URL never reached the log.
      expect(dashboard.output()).not.toContain(SMTP_PASSWORD);
      expect(
        (await api(dashboard, admin, `/api/webhooks/${a.id}/deliveries`)).body.deliveries.map((d: { eventType: string; status: string }) => [
          d.eventType,
          d.status,
        ]),
      ).toEqual([
        ["approval.decided", "succeeded"],
        ["approval.created", "succeeded"],
      ]);
      // Clean up for the next tests: only /hook-a stays.
      for (const id of [slack.id, off.id]) expect((await api(dashboard, admin, `/api/webhooks/${id}`, { method: "DELETE" })).status).toBe(200);
    } finally {
      await bridge.close();
    }
  });

  it("tells webhooks when a request expires", async () => {
    await ensureEndpoint("/hook-a");
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "expire.txt"), content: "late" } });
      const pending = await pendingFor("write_file");
      const [expired] = await waitFor(async () =>
        hooksFor("/hook-a", pending.id, "approval.expired").length ? hooksFor("/hook-a", pending.id, "approval.expired") : undefined,
      );
      expect(expired.verified).toMatchObject({
        type: "approval.expired",
        data: { id: pending.id, status: "expired", outcome: "expired", rule: "writes expire fast" },
      });
      expect((await call).isError).toBe(true);
    } finally {
      await bridge.close();
    }
  });
});

describe("webhook delivery is retried", () => {
  it("retries a receiver that answered 500, and the delivery log shows both attempts", async () => {
    const flaky = await createEndpoint("/hook-flaky", { eventTypes: ["approval.created"] });
    answers.set("/hook-flaky", [500]);
    const test = await api(dashboard, admin, `/api/webhooks/${flaky.id}/test`, { body: {} });
    expect(test.body).toMatchObject({ eventType: "webhook.test", status: "pending", attempts: 1, responseCode: 500, lastError: "HTTP 500" });
    const delivered = await waitFor(
      async () => {
        const { body } = await api(dashboard, admin, `/api/webhooks/${flaky.id}/deliveries`);
        return body.deliveries[0].status === "succeeded" ? body.deliveries[0] : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(delivered).toMatchObject({ attempts: 2, responseCode: 200, lastError: null });
    expect(delivered.attemptLog.map((a: { responseCode: number; error: string | null }) => [a.responseCode, a.error])).toEqual([
      [500, "HTTP 500"],
      [200, null],
    ]);
    const gap = Date.parse(delivered.attemptLog[1].at) - Date.parse(delivered.attemptLog[0].at);
    expect(gap).toBeGreaterThanOrEqual(4_000); // 5 s −20 %
    expect(gap).toBeLessThan(9_000);
    const received = hooks.filter((h) => h.path === "/hook-flaky");
    expect(received).toHaveLength(2);
    // The same message both times: one webhook-id, each signature valid.
    expect(new Set(received.map((h) => h.headers["webhook-id"])).size).toBe(1);
    expect(received.every((h) => (h.verified as { type: string })?.type === "webhook.test")).toBe(true);
    // Redeliver: the same message again, as a new delivery.
    const again = await api(dashboard, admin, `/api/webhooks/deliveries/${delivered.id}/redeliver`, { body: {} });
    expect(again.body).toMatchObject({ status: "succeeded", attempts: 1, messageId: delivered.messageId });
    // Rotating the secret: the old one no longer verifies what is sent next.
    const oldSecret = secrets.get("/hook-flaky")!;
    const rotated = await api(dashboard, admin, `/api/webhooks/${flaky.id}/rotate-secret`, { body: {} });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    secrets.set("/hook-flaky", rotated.body.secret);
    await api(dashboard, admin, `/api/webhooks/${flaky.id}/test`, { body: {} });
    const last = hooks.filter((h) => h.path === "/hook-flaky").at(-1)!;
    expect(last.verified).toMatchObject({ type: "webhook.test" });
    expect(() => new Webhook(oldSecret).verify(last.body, last.headers)).toThrow();
    // Every change was audited.
    const { body: audit } = await api(dashboard, admin, "/api/audit/export?format=json&kind=webhook_secret_rotated");
    expect(audit.events.map((e: { kind: string }) => e.kind)).toEqual(["webhook_secret_rotated"]);
    expect(JSON.stringify(audit)).not.toContain("whsec_");
    expect((await api(dashboard, admin, `/api/webhooks/${flaky.id}`, { method: "DELETE" })).status).toBe(200);
  });

  it("delivers what a stopped dashboard left pending when it starts again", async () => {
    const late = await createEndpoint("/hook-late", { eventTypes: ["approval.created"] });
    answers.set("/hook-late", [503]);
    const test = await api(dashboard, admin, `/api/webhooks/${late.id}/test`, { body: {} });
    expect(test.body).toMatchObject({ status: "pending", attempts: 1, responseCode: 503 });
    const port = dashboard.port;
    await dashboard.kill();
    const database = dashboard.database;
    const env = { AIRLOCK_SMTP_URL: dashboard.env.AIRLOCK_SMTP_URL!, AIRLOCK_PUBLIC_URL: "https://airlock.example.com", AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP: "1" };
    dashboard = await startDashboard({ database, port, env });
    const delivered = await waitFor(
      async () => {
        const { body } = await api(dashboard, admin, `/api/webhooks/${late.id}/deliveries`);
        return body.deliveries[0].status === "succeeded" ? body.deliveries[0] : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(delivered.attemptLog.map((a: { responseCode: number }) => a.responseCode)).toEqual([503, 200]);
    expect((await api(dashboard, admin, `/api/webhooks/${late.id}`, { method: "DELETE" })).status).toBe(200);
  });
});

describe("escalation and delegates", () => {
  it("re-alerts the rule's escalation group, through an away member's delegate, and tells webhooks", async () => {
    await ensureEndpoint("/hook-escalation");
    dashboard.addUser("lead@example.com", "reviewer");
    dashboard.addUser("cso@example.com", "admin");
    const lead = dashboard.addUser("lead2@example.com", "reviewer");
    // lead2 is away: their alerts go to Rita, who may decide too.
    const away = await api(dashboard, lead, "/api/me/delegation", {
      method: "PUT",
      body: { delegateEmail: "rita@example.com", until: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(away.status).toBe(200);
    const rule = {
      name: "escalate big writes",
      match: { tool: "*write_file" },
      when: 'args.path.endsWith("escalate.txt")',
      action: "require_approval",
      timeoutSeconds: 60,
      escalateAfterSeconds: 5,
      escalateTo: ["lead@example.com", "lead2@example.com", "cso@example.com"],
    };
    const { body: policy } = await api(dashboard, admin, "/api/policy?format=json");
    const put = await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...policy, rules: [rule, ...policy.rules] } } });
    expect(put.status).toBe(200);
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = (await api(dashboard, admin, "/api/approvals?status=pending")).body.items.map((a: { id: string }) => a.id);
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "escalate.txt"), content: "big" } });
      const pending = await pendingFor("write_file", before);
      const [escalated] = await waitFor(
        async () =>
          hooksFor("/hook-escalation", pending.id, "approval.escalated").length ? hooksFor("/hook-escalation", pending.id, "approval.escalated") : undefined,
        { timeoutMs: 12_000 },
      );
      expect(escalated.verified).toMatchObject({ type: "approval.escalated", data: { id: pending.id, status: "pending" } });
      const escalationMails = await waitFor(async () => {
        const found = mails.filter((m) => /^Subject: Escalated: write_file on fs/m.test(m.raw));
        return found.length >= 3 ? found : undefined;
      });
      await new Promise((r) => setTimeout(r, 500));
      // The group named by the rule; lead2's goes to their delegate Rita. Nobody else.
      expect(
        mails
          .filter((m) => /^Subject: Escalated: write_file on fs/m.test(m.raw))
          .map((m) => m.to[0])
          .sort(),
      ).toEqual(["cso@example.com", "lead@example.com", "rita@example.com"]);
      expect(escalationMails).toHaveLength(3);
      expect((await api(dashboard, admin, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment: "too big" } })).status).toBe(200);
      expect((await call).isError).toBe(true);
    } finally {
      await bridge.close();
      await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } });
    }
  });
});

describe("escalation to an approver group", () => {
  it("re-alerts the group's members and nobody else", async () => {
    dashboard.addUser("oncall1@example.com", "reviewer");
    dashboard.addUser("oncall2@example.com", "admin");
    const group = await api(dashboard, admin, "/api/groups", { body: { name: "oncall" } });
    expect(group.status).toBe(201);
    const members = await api(dashboard, admin, `/api/groups/${group.body.id}/members`, {
      method: "PUT",
      body: { members: ["oncall1@example.com", "oncall2@example.com"] },
    });
    expect(members.status).toBe(200);
    const rule = {
      name: "escalate odd writes to on-call",
      match: { tool: "*write_file" },
      when: 'args.path.endsWith("oncall.txt")',
      action: "require_approval",
      timeoutSeconds: 60,
      escalateAfterSeconds: 5,
      escalateTo: { group: "oncall" },
    };
    const { body: policy } = await api(dashboard, admin, "/api/policy?format=json");
    expect((await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy: { ...policy, rules: [rule, ...policy.rules] } } })).status).toBe(200);
    // While a rule escalates to it, the group cannot be deleted.
    expect((await api(dashboard, admin, `/api/groups/${group.body.id}`, { method: "DELETE" })).status).toBe(409);
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    try {
      const before = (await api(dashboard, admin, "/api/approvals?status=pending")).body.items.map((a: { id: string }) => a.id);
      const mailsBefore = mails.length;
      const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, "oncall.txt"), content: "odd" } });
      const pending = await pendingFor("write_file", before);
      const subject = /^Subject: Escalated: write_file on fs/m;
      // Only this request is pending: every escalation mail from now on is its.
      const escalated = () => mails.slice(mailsBefore).filter((m) => subject.test(m.raw));
      await waitFor(async () => (escalated().length >= 2 ? true : undefined), { timeoutMs: 12_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(
        escalated()
          .map((m) => m.to[0])
          .sort(),
      ).toEqual(["oncall1@example.com", "oncall2@example.com"]);
      expect((await api(dashboard, admin, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject", comment: "not now" } })).status).toBe(200);
      expect((await call).isError).toBe(true);
    } finally {
      await bridge.close();
      await api(dashboard, admin, "/api/policy", { method: "PUT", body: { policy } });
    }
  });
});

describe("latency: held call → webhook and push at the local receivers", () => {
  it("arrives within 1 s at p99 over 50 held calls", async () => {
    await ensureEndpoint("/hook-a");
    const bridge = await connectThroughBridge({ upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`], dashboardUrl: dashboard.url, token: bridgeToken });
    const hookMs: number[] = [];
    const pushMs: number[] = [];
    const seen: string[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const call = bridge.client.callTool({ name: "write_file", arguments: { path: join(workspace, `bench-${i}.txt`), content: String(i) } });
        const pending = await pendingFor("write_file", seen);
        seen.push(pending.id);
        const hook = await waitFor(async () => hooksFor("/hook-a", pending.id, "approval.created")[0], { intervalMs: 20 });
        const push = await waitFor(async () => pushes.find((p) => p.message.approvalId === pending.id), { intervalMs: 20 });
        const heldAt = Date.parse((hook.verified as { data: { createdAt: string } }).data.createdAt);
        hookMs.push(hook.at - heldAt);
        pushMs.push(push.at - heldAt);
        await api(dashboard, rita, `/api/approvals/${pending.id}/decision`, { body: { decision: "reject" } });
        await call;
      }
    } finally {
      await bridge.close();
    }
    const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
    const figures = { webhook: { p50: pct(hookMs, 50), p99: pct(hookMs, 99) }, push: { p50: pct(pushMs, 50), p99: pct(pushMs, 99) } };
    console.log(`[notifications latency, ms, ${process.env.DATABASE_URL ? "PostgreSQL" : "SQLite"}] ${JSON.stringify(figures)}`);
    expect(figures.webhook.p99).toBeLessThanOrEqual(1_000);
    expect(figures.push.p99).toBeLessThanOrEqual(1_000);
  });
});
