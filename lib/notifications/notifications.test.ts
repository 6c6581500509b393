import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { JITTER, MAX_ATTEMPTS, RETRY_DELAYS_MS, retryDelayMs } from "./backoff";
import { describeSmtpError, isTransientSmtpError, smtpHost } from "./email";
import { escapeHtml, renderApprovalEmail } from "./email-content";
import { type ApprovalForEvent, buildApprovalEvent, MAX_ARGUMENT_CHARS, summarizeArguments } from "./events";
import { generateWebhookSecret, openSecret, sealSecret } from "./secret-box";
import { escapeSlack, slackBody } from "./slack";
import { ZCreateWebhook, ZPushSubscription, ZWebhookUrl } from "./validation";

const APPROVAL: ApprovalForEvent = {
  id: "appr_1",
  status: "approved",
  outcome: "approved",
  stage: "call",
  server: "filesystem",
  tool: "write_file",
  principal: "dana@example.com",
  ruleName: "hold writes",
  heldReason: "rule hold writes",
  arguments: { path: "/tmp/a.txt", content: "x".repeat(500), mode: 420 },
  argumentsHash: "h1",
  requiredApprovers: 1,
  approverRole: "reviewer",
  createdAt: new Date("2026-01-01T10:00:00.000Z"),
  expiresAt: new Date("2026-01-01T10:10:00.000Z"),
  decidedAt: new Date("2026-01-01T10:01:00.000Z"),
  bridge: { name: "laptop" },
  decisions: [{ decision: "approve", comment: "fine", createdAt: new Date("2026-01-01T10:01:00.000Z"), reviewer: { email: "rita@example.com" } }],
};

describe("event payload", () => {
  it("carries what a receiver needs, with the arguments summarised", () => {
    const event = buildApprovalEvent("approval.decided", APPROVAL, "https://airlock.example/approvals/appr_1", new Date("2026-01-01T10:01:01.000Z"));
    expect(event).toEqual({
      type: "approval.decided",
      timestamp: "2026-01-01T10:01:01.000Z",
      data: {
        id: "appr_1",
        url: "https://airlock.example/approvals/appr_1",
        status: "approved",
        outcome: "approved",
        stage: "call",
        server: "filesystem",
        tool: "write_file",
        bridge: "laptop",
        principal: "dana@example.com",
        rule: "hold writes",
        heldReason: "rule hold writes",
        arguments: { path: "/tmp/a.txt", content: `${"x".repeat(MAX_ARGUMENT_CHARS - 1)}…`, mode: "420" },
        argumentsHash: "h1",
        requiredApprovers: 1,
        approverRole: "reviewer",
        decidedBy: "rita@example.com",
        comment: "fine",
        createdAt: "2026-01-01T10:00:00.000Z",
        expiresAt: "2026-01-01T10:10:00.000Z",
        decidedAt: "2026-01-01T10:01:00.000Z",
      },
    });
  });

  it("names no decider while the request is pending (a quorum's first vote is not the decision)", () => {
    const event = buildApprovalEvent("approval.created", { ...APPROVAL, status: "pending", outcome: null, decidedAt: null }, "u");
    expect(event.data).toMatchObject({ decidedBy: null, comment: null, decidedAt: null });
  });

  it("keeps the first 8 arguments and counts the rest", () => {
    const args = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i]));
    expect(summarizeArguments(args)).toEqual({ k0: "0", k1: "1", k2: "2", k3: "3", k4: "4", k5: "5", k6: "6", k7: "7", "…": "2 more" });
    expect(summarizeArguments(null)).toEqual({});
    expect(summarizeArguments({ nested: { a: [1, 2] }, text: "a\n\n b" })).toEqual({ nested: '{"a":[1,2]}', text: "a b" });
  });
});

describe("Slack body", () => {
  it("is {text, blocks} with the agent's text escaped: no mentions, no disguised links", () => {
    const hostile = { ...APPROVAL, tool: "<!channel> <https://evil.example|click>", arguments: { note: "a & b `x`" } };
    const body = slackBody(buildApprovalEvent("approval.created", { ...hostile, status: "pending" }, "https://airlock.example/approvals/appr_1"));
    expect(Object.keys(body)).toEqual(["text", "blocks"]);
    expect(body.text).toBe("Approval needed: &lt;!channel&gt; &lt;https://evil.example|click&gt; on filesystem (bridge laptop)");
    const all = JSON.stringify(body.blocks);
    expect(all).not.toContain("<!channel>");
    expect(all).not.toContain("<https://evil.example");
    expect(all).toContain("a &amp; b ˋxˋ");
    expect(body.blocks.at(-1)).toEqual({
      type: "context",
      elements: [{ type: "mrkdwn", text: "Decide before 2026-01-01T10:10:00.000Z · <https://airlock.example/approvals/appr_1|Open in Airlock>" }],
    });
    expect(escapeSlack("<&>")).toBe("&lt;&amp;&gt;");
  });
});

describe("retry schedule", () => {
  it("waits 5 s, 30 s, 2 min, 10 min, 1 h (±20 %), then gives up", () => {
    expect(RETRY_DELAYS_MS).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000]);
    expect(MAX_ATTEMPTS).toBe(6);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, () => 0.5))).toEqual([5_000, 30_000, 120_000, 600_000, 3_600_000]);
    expect(retryDelayMs(1, () => 0)).toBe(5_000 * (1 - JITTER));
    expect(retryDelayMs(1, () => 1)).toBe(5_000 * (1 + JITTER));
    expect(retryDelayMs(6)).toBeNull();
    expect(retryDelayMs(0)).toBeNull();
  });
});

describe("webhook URL validation", () => {
  it("takes http and https URLs only", () => {
    for (const ok of ["https://hooks.slack.com/services/T/B/X", "http://127.0.0.1:9999/hook", "https://example.com:8443/a?b=c"]) {
      expect(ZWebhookUrl.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of [
      "ftp://example.com/x",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "data:text/plain,x",
      "example.com/hook",
      "",
      "https://user:pw@example.com/",
    ]) {
      expect(ZWebhookUrl.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("refuses unknown event types and unknown fields", () => {
    expect(ZCreateWebhook.safeParse({ url: "https://e.example", eventTypes: ["approval.deleted"] }).success).toBe(false);
    expect(ZCreateWebhook.safeParse({ url: "https://e.example", secret: "whsec_mine" }).success).toBe(false);
    expect(ZCreateWebhook.parse({ url: "https://e.example" })).toEqual({
      url: "https://e.example",
      eventTypes: ["approval.created", "approval.decided", "approval.expired", "approval.escalated"],
      format: "standard",
      enabled: true,
    });
  });

  it("takes push endpoints on https only (loopback http when allowed for tests)", () => {
    const keys = { p256dh: `B${"A".repeat(86)}`, auth: "A".repeat(22) };
    expect(ZPushSubscription.safeParse({ endpoint: "https://fcm.googleapis.com/fcm/send/x", keys }).success).toBe(true);
    // Loopback http is for tests, and only when the dashboard is told so.
    expect(ZPushSubscription.safeParse({ endpoint: "http://127.0.0.1:4000/push/x", keys }).success).toBe(false);
    process.env.AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP = "1";
    try {
      expect(ZPushSubscription.safeParse({ endpoint: "http://127.0.0.1:4000/push/x", keys }).success).toBe(true);
      expect(ZPushSubscription.safeParse({ endpoint: "http://10.0.0.1/push/x", keys }).success).toBe(false);
    } finally {
      delete process.env.AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP;
    }
    expect(ZPushSubscription.safeParse({ endpoint: "http://push.example/x", keys }).success).toBe(false);
    expect(ZPushSubscription.safeParse({ endpoint: "https://push.example/x", keys: { ...keys, auth: "short" } }).success).toBe(false);
  });
});

describe("alert email", () => {
  it("escapes every value in the HTML and keeps no line break in the subject", () => {
    const approval = { ...APPROVAL, status: "pending", tool: 'evil"><script>alert(1)</script>\nBcc: x@y', arguments: { "<k>": "<img src=x onerror=1>" } };
    const event = buildApprovalEvent("approval.created", approval, "u");
    const email = renderApprovalEmail(event, { prompt: `<b>please</b> ${"p".repeat(600)}`, link: "https://airlock.example/approvals/a?x=1&y=2" });
    expect(email.html).not.toMatch(/<script|<img|<b>|<k>/);
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(email.html).toContain("&lt;img src=x onerror=1&gt;");
    expect(email.html).toContain('href="https://airlock.example/approvals/a?x=1&amp;y=2"');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain("<b>please</b>");
    expect(email.text).toContain(`${"p".repeat(10)}…`);
    expect(email.text).not.toContain("p".repeat(500));
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("retries connection failures and 4xx replies, not 5xx; never shows the SMTP password", () => {
    expect(isTransientSmtpError({ code: "ECONNECTION" })).toBe(true);
    expect(isTransientSmtpError({ responseCode: 421 })).toBe(true);
    expect(isTransientSmtpError({ responseCode: 550 })).toBe(false);
    expect(isTransientSmtpError(new Error("x"))).toBe(false);
    expect(smtpHost("smtp://user:s3cret@mail.example:587")).toBe("mail.example:587");
    const before = process.env.AIRLOCK_SMTP_URL;
    process.env.AIRLOCK_SMTP_URL = "smtp://user:s3cret@mail.example:587";
    try {
      expect(describeSmtpError(new Error("cannot reach smtp://user:s3cret@mail.example:587"))).toBe("cannot reach mail.example:587");
    } finally {
      if (before === undefined) delete process.env.AIRLOCK_SMTP_URL;
      else process.env.AIRLOCK_SMTP_URL = before;
    }
  });
});

describe("signing secrets", () => {
  it("are Standard Webhooks secrets, sealed with the server secret and useless without it", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const sealed = sealSecret(secret, "server-secret-1");
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(openSecret(sealed, "server-secret-1")).toBe(secret);
    expect(() => openSecret(sealed, "server-secret-2")).toThrow(/rotate/);
    // A signature made with it verifies with the standardwebhooks library, and not with another secret.
    const headers = { "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)) };
    const signature = new Webhook(secret).sign("msg_1", new Date(), "{}");
    expect(new Webhook(secret).verify("{}", { ...headers, "webhook-signature": signature })).toEqual({});
    expect(() => new Webhook(generateWebhookSecret()).verify("{}", { ...headers, "webhook-signature": signature })).toThrow();
  });
});
