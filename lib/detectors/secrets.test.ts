import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskedEvidence, type TFinding } from "./detector.types";
import { scanArguments, scanResult } from "./scan-content";
import { isExampleValue, shannonEntropy } from "./secret-values";
import { findSecrets, secretName, secrets } from "./secrets";

// Every credential below is fabricated at run time from a seeded generator, in the
// right format, and none is real: the source holds prefixes split in two and no
// complete token, so a push-protection scanner has nothing to match.
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (length: number, alphabet = ALNUM) => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX = "0123456789abcdef";
const B64 = `${ALNUM}+/`;
const B64URL = `${ALNUM}-_`;
const rand = generator(20261128);
/** Joins its parts: keeps prefixes like `gh` + `p_` apart in the source. */
const j = (...parts: string[]) => parts.join("");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

const scan = (text: string, location = "content.0.text") => secrets.scan([{ location, text }], {});
const worst = (findings: readonly TFinding[]) =>
  findings.some((f) => f.severity === "high") ? "high" : findings.some((f) => f.severity === "medium") ? "medium" : findings.length ? "low" : null;

// [label, text around the secret, the secret, the kind the message names, severity]
const ATTACKS: [string, string, string, string, "high" | "medium"][] = (() => {
  const awsId = j("AK", "IA", rand(16, UPPER32));
  const awsSecret = rand(40, B64);
  const pemBody = `MII${rand(60, B64)}\n${rand(64, B64)}\n${rand(64, B64)}\n${rand(64, B64)}`;
  const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"user-4821","exp":1893456000}')}.${rand(43, B64URL)}`;
  const dbPassword = rand(18);
  const urlPassword = rand(14);
  const basic = Buffer.from(`deploy:${rand(16)}`).toString("base64");
  const rows: [string, string, string, string, "high" | "medium"][] = [
    ["an AWS access key id", "aws_access_key_id = %s", awsId, "an AWS access key id", "high"],
    ["an AWS temporary key id", "AccessKeyId: %s", j("AS", "IA", rand(16, UPPER32)), "an AWS temporary access key id", "high"],
    ["an AWS secret access key", "aws_secret_access_key = %s", awsSecret, "an AWS secret access key", "high"],
    ["an AWS secret in JSON", '{"SecretAccessKey": "%s"}', rand(40, B64), "an AWS secret access key", "high"],
    ["a GitHub personal access token", "export GH_TOKEN=%s", j("gh", "p_", rand(36)), "a GitHub personal access token", "high"],
    ["a GitHub OAuth token", "token %s", j("gh", "o_", rand(36)), "a GitHub OAuth access token", "high"],
    [
      "a GitHub server-to-server token",
      "git clone https://x-access-token:%s@github.com/acme/app",
      j("gh", "s_", rand(36)),
      "a GitHub server-to-server token",
      "high",
    ],
    ["a GitHub fine-grained token", "%s", j("github", "_pat_", rand(22), "_", rand(59)), "a GitHub fine-grained personal access token", "high"],
    ["a GitLab token", "PRIVATE-TOKEN: %s", j("gl", "pat-", rand(20, B64URL)), "a GitLab access token", "high"],
    ["a Slack bot token", "SLACK_BOT_TOKEN=%s", j("xo", "xb-", rand(11, "123456789"), "-", rand(13, "123456789"), "-", rand(24)), "a Slack token", "high"],
    [
      "a Slack user token",
      "%s",
      j("xo", "xp-", rand(11, "123456789"), "-", rand(11, "123456789"), "-", rand(13, "123456789"), "-", rand(32, HEX)),
      "a Slack token",
      "high",
    ],
    [
      "a Slack webhook",
      "POST https://%s",
      j("hooks.", "slack.com/services/T", rand(8, UPPER32), "/B", rand(10, UPPER32), "/", rand(24)),
      "a Slack webhook URL",
      "high",
    ],
    ["a Stripe live secret key", "stripe.api_key = '%s'", j("sk", "_live_", rand(24)), "a Stripe secret key", "high"],
    ["a Stripe restricted key", "%s", j("rk", "_live_", rand(24)), "a Stripe restricted key", "high"],
    ["a Stripe test key", "%s", j("sk", "_test_", rand(24)), "a Stripe test-mode secret key", "medium"],
    ["an OpenAI project key", "OPENAI_API_KEY=%s", j("sk", "-proj-", rand(74, B64URL), "T3BlbkFJ", rand(74, B64URL)), "an OpenAI API key", "high"],
    ["an OpenAI legacy key", 'openai.api_key = "%s"', j("sk", "-", rand(20), "T3BlbkFJ", rand(20)), "an OpenAI-style secret key (sk-…)", "high"],
    ["an Anthropic key", "x-api-key: %s", j("sk", "-ant-api03-", rand(93, B64URL), "AA"), "an Anthropic API key", "high"],
    ["a Google API key", "https://maps.googleapis.com/maps/api/js?key=%s&callback=init", j("AI", "za", rand(35, B64URL)), "a Google API key", "high"],
    ["an npm token", "//registry.npmjs.org/:_authToken=%s", j("np", "m_", rand(36)), "an npm access token", "high"],
    [
      "a legacy npm token",
      "//registry.npmjs.org/:_authToken=%s",
      `${rand(8, HEX)}-${rand(4, HEX)}-4${rand(3, HEX)}-a${rand(3, HEX)}-${rand(12, HEX)}`,
      "an npm auth token",
      "high",
    ],
    ["a SendGrid key", "SENDGRID_API_KEY='%s'", j("S", "G.", rand(22, B64URL), ".", rand(43, B64URL)), "a SendGrid API key", "high"],
    ["a Twilio API key SID", "TWILIO_API_KEY=%s", j("S", "K", rand(32, HEX)), "a Twilio API key SID", "medium"],
    ["a Hugging Face token", "%s", j("h", "f_", rand(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")), "a Hugging Face access token", "high"],
    ["an RSA private key", "%s", `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`, "a private key", "high"],
    [
      "an OpenSSH private key",
      "id_ed25519:\n%s\n",
      `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE${rand(200, B64)}\n-----END OPENSSH PRIVATE KEY-----`,
      "a private key",
      "high",
    ],
    ["an EC private key", "%s", `-----BEGIN EC PRIVATE KEY-----\n${pemBody}\n-----END EC PRIVATE KEY-----`, "a private key", "high"],
    ["a PGP private key", "%s", `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQ${rand(300, B64)}\n-----END PGP PRIVATE KEY BLOCK-----`, "a private key", "high"],
    [
      "a PEM key in a service-account JSON",
      '{"type": "service_account", "private_key": "%s"}',
      `-----BEGIN PRIVATE KEY-----\\nMIIE${rand(120, B64)}\\n${rand(64, B64)}\\n-----END PRIVATE KEY-----\\n`,
      "a private key",
      "high",
    ],
    ["a JWT", "Authorization: Bearer %s", jwt, "a JSON Web Token", "medium"],
    [
      "a PostgreSQL URL with a password",
      "DATABASE_URL=postgres://app:%s@db.internal:5432/app",
      dbPassword,
      "a password in a PostgreSQL connection URL",
      "high",
    ],
    ["a MongoDB URL with a password", "mongodb+srv://admin:%s@cluster0.mongodb.net/prod", rand(16), "a password in a MongoDB connection URL", "high"],
    ["a basic-auth URL", "curl https://deploy:%s@ci.acme.io/hooks/run", urlPassword, "a password in a URL (basic auth)", "high"],
    ["a Basic Authorization header", "Authorization: Basic %s", basic, "a user name and password in a Basic Authorization header", "high"],
    ["a high-entropy api_key", "api_key=%s", rand(32), 'a high-entropy value assigned to "api_key"', "medium"],
    ["a high-entropy client secret in YAML", "client_secret: %s\n", rand(40, B64URL), 'a high-entropy value assigned to "client_secret"', "medium"],
    ["a strong password in JSON", '{"user": "ops", "password": "%s"}', `${rand(6)}!${rand(6)}#9`, 'a password assigned to "password"', "medium"],
    ["a bearer token", "Authorization: Bearer %s", rand(40), "a bearer token in an Authorization header", "medium"],
  ];
  return rows.map(([label, context, secret, kind, severity]) => [label, context.replace("%s", secret), secret, kind, severity]);
})();

describe("secrets: credentials", () => {
  it.each(ATTACKS)("flags %s", (_label, text, secret, kind, severity) => {
    const findings = scan(text);
    // The span's offsets point at the secret in the text; the evidence text is masked (maskedEvidence).
    const spanOf = (f: (typeof findings)[number]) => text.slice(f.evidence.start, f.evidence.end);
    const finding = findings.find((f) => spanOf(f) === secret || secret.includes(spanOf(f)) || spanOf(f).includes(secret));
    expect(finding, JSON.stringify(findings)).toBeDefined();
    expect(finding!.severity).toBe(severity);
    expect(finding!.message).toContain(kind);
    expect(finding!.evidence.text).toBe(maskedEvidence(spanOf(finding!)));
    expect(finding!.detector).toBe("secrets");
  });

  it("never copies the secret into the message or the evidence text", () => {
    for (const [, text, secret] of ATTACKS) {
      for (const f of scan(text)) {
        expect(f.message).not.toContain(secret);
        expect(f.message).not.toContain(secret.slice(0, 12));
        if (secret.length > 12) expect(f.evidence.text).not.toContain(secret.slice(0, 12));
      }
    }
  });

  it("gives the exact span of the secret", () => {
    const token = j("gh", "p_", rand(36));
    const text = `first line\nGITHUB_TOKEN=${token} # rotate monthly`;
    expect(scan(text)).toEqual([
      expect.objectContaining({
        severity: "high",
        evidence: { text: maskedEvidence(token), start: text.indexOf(token), end: text.indexOf(token) + token.length },
      }),
    ]);
    const password = rand(20);
    const url = `postgresql://svc:${password}@10.0.0.4/db`;
    expect(scan(url)[0]!.evidence).toEqual({ text: maskedEvidence(password), start: url.indexOf(password), end: url.indexOf(password) + password.length });
  });

  it("finds several secrets in one field", () => {
    const text = `AWS_ACCESS_KEY_ID=${j("AK", "IA", rand(16, UPPER32))}\nAWS_SECRET_ACCESS_KEY=${rand(40, B64)}\nNPM_TOKEN=${j("np", "m_", rand(36))}`;
    expect(scan(text).map((f) => f.message)).toEqual(["an AWS access key id", "an npm access token", "an AWS secret access key"]);
  });

  it("reads the name of an argument or a structured field from its location", () => {
    expect(worst(scan(`Bearer ${rand(40)}`, "arguments.headers.Authorization"))).toBe("medium");
    expect(worst(scan(rand(32), "arguments.api_key"))).toBe("medium");
    const hexKey = rand(32, HEX);
    expect(worst(scan(hexKey, "structuredContent.config.apiKey")), hexKey).toBe("medium");
    expect(worst(scan(`${rand(8)}%${rand(6)}`, "arguments.db_password"))).toBe("medium");
    expect(worst(scan("hunter2", "arguments.password"))).toBe("low");
    expect(scan(j("$", "{DB_PASSWORD}"), "arguments.password")).toEqual([]);
    expect(scan(rand(32), "arguments.request_id")).toEqual([]);
  });

  it("is registered for results and arguments", () => {
    const token = j("gh", "p_", rand(36));
    expect(scanArguments({ headers: { Authorization: `token ${token}` } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: "secrets", severity: "high", location: "arguments.headers.Authorization" })]),
    );
    expect(scanResult({ content: [{ type: "text", text: `key: ${token}` }] })).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: "secrets", severity: "high", location: "content.0.text" })]),
    );
  });
});

describe("secrets: documented examples and placeholders are low", () => {
  it.each([
    ["AWS's example access key id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"],
    ["AWS's example secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
    [
      "jwt.io's sample token",
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ],
    ["an unsigned JWT", `${b64url('{"alg":"none"}')}.${b64url('{"sub":"42","role":"admin"}')}.`],
    ["a Slack webhook placeholder", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    ["a Slack token placeholder", "xoxb-123-456-abcdefGHIJKL"],
    ["a token of x's", j("gh", "p_", "x".repeat(36))],
    ["a key of one character", j("AI", "za", "A".repeat(35))],
    ["a placeholder in a PEM block", "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----"],
    ["a PEM block with a placeholder body", "-----BEGIN PRIVATE KEY-----\n<your private key here>\n-----END PRIVATE KEY-----"],
    ["a database URL in a tutorial", "postgres://user:password@localhost:5432/mydb"],
    // A documentation host lowers a hand-written password; a random one there is still a credential (see the attacks).
    ["a database URL on an example host", "mysql://root:shop2024@db.example.com/shop"],
    ["a URL whose password is the user name", "redis://default:default@cache:6379"],
    ["RFC 7617's Basic example", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="],
    ["a weak password in a doc", 'password = "hunter2"'],
    ["a Stripe key with an example marker", j("sk", "_live_", "EXAMPLEKEYEXAMPLEKEY1234")],
  ])("%s", (_label, text) => {
    expect(worst(scan(text))).toBe("low");
  });
});

describe("secrets: benign twins stay below medium", () => {
  const sha1 = rand(40, HEX);
  const image = `data:image/png;base64,${Buffer.from(Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256)).toString("base64")}`;
  it.each([
    ["a git commit SHA", `commit ${sha1}\nAuthor: Dev <dev@example.com>`],
    ["a short SHA in prose", `Fixed in ${sha1.slice(0, 7)} and ${rand(12, HEX)}.`],
    ["UUIDs", `request_id: 550e8400-e29b-41d4-a716-446655440000\ntrace: ${rand(8, HEX)}-${rand(4, HEX)}-4${rand(3, HEX)}-8${rand(3, HEX)}-${rand(12, HEX)}`],
    ["a sha256 digest", `sha256:${rand(64, HEX)}  node-v20.tar.gz`],
    ["a container digest", `image: ghcr.io/acme/app@sha256:${rand(64, HEX)}`],
    ["a base64 image", `<img src="${image}">`],
    ["an npm integrity string", `"integrity": "sha512-${rand(86, B64)}=="`],
    ["content hashes in URLs", `<script src="/_next/static/chunks/main-${rand(16, HEX)}.js"></script><link href="/assets/app.${rand(8, HEX)}.css">`],
    ["CSS colours", "color: #ff00aa; background: #1e293b; border-color: rgba(0,0,0,.1);"],
    ["a password field with a placeholder", '{"username": "admin", "password": "<your-password>"}'],
    ["a password from the environment", "password: process.env.DB_PASSWORD,\ntoken = os.environ['GITHUB_TOKEN']"],
    ["a template reference", j("api_key: $", "{{ secrets.OPENAI_API_KEY }}\ntoken: {{ vault_token }}")],
    ["masked secrets", 'password: "********"\napi_key: sk-...\nsecret = "xxxxxxxxxxxxxxxx"'],
    ["Bearer <token> in docs", "curl -H 'Authorization: Bearer <token>' https://api.example.com/v1/me"],
    ["Bearer YOUR_API_KEY in docs", 'headers: { Authorization: "Bearer YOUR_API_KEY" }'],
    ["sk- as a word prefix", "Install sk-learn (scikit-learn) and try sk-means; see the sk-1 and sk-2 runs."],
    ["a YouTube id and playlist", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI"],
    ["a long random id in a URL path", `https://drive.google.com/file/d/1${rand(32, B64URL)}/view?usp=sharing`],
    ["a typed field", "interface Login { password: string; apiKey?: string; token: string | null }"],
    ["config code", j("const apiKey = config.apiKey;\nconst password = getPassword();\nfetch(url, { headers: { Authorization: `Bearer $", "{token}` } })")],
    ["prose about passwords", "Password: must be at least 12 characters. Your API key: keep it secret. Token: see the settings page."],
    ["token counts", "max_tokens: 4096, prompt_tokens: 1203, total_tokens=5299, token_type: bearer"],
    ["a keyboard shortcut table", "key: Ctrl+Shift+P\nkey: Cmd+K Cmd+S\nmonkey: banana"],
    ["a public Stripe key", j("pk", "_live_", rand(24))],
    ["a hex colour map", '{"primary": "#3b82f6", "secret_color": "#ff0000"}'],
    ["a URL with a port, no credentials", "http://localhost:8080/api?token=&page=2 and https://example.com:443/x@y and https://acme.io:8443@cdn.io/"],
    ["an email address in a URL", "mailto:someone@example.com and https://example.com/u/@alice"],
    ["a PEM certificate (public)", `-----BEGIN CERTIFICATE-----\nMII${rand(300, B64)}\n-----END CERTIFICATE-----`],
    ["a public key", `-----BEGIN PUBLIC KEY-----\nMII${rand(200, B64)}\n-----END PUBLIC KEY-----`],
    ["Slack's documented placeholder token", "xoxb-not-a-real-token-this-will-not-work"],
    ["an ssh public key", `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${rand(43, B64)} dev@laptop`],
  ])("%s", (_label, text) => {
    const findings = scan(text);
    expect(findings.filter((f) => f.severity !== "low")).toEqual([]);
  });
});

describe("secrets: value judgements", () => {
  it("entropy separates random strings from words and placeholders", () => {
    expect(shannonEntropy("hunter2")).toBeLessThan(3);
    expect(shannonEntropy(rand(32))).toBeGreaterThan(4);
    expect(shannonEntropy("")).toBe(0);
    expect(isExampleValue("AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(isExampleValue("your-api-key-here")).toBe(true);
    expect(isExampleValue("<token>")).toBe(true);
    expect(isExampleValue("aaaaaaaaaaaaaaaaaaaa")).toBe(true);
    expect(isExampleValue(rand(32))).toBe(false);
  });

  it("reads credential names by their last words", () => {
    expect(secretName("db_password")).toBe("password");
    expect(secretName("apiKey")).toBe("token");
    expect(secretName("x-api-key")).toBe("token");
    expect(secretName("AWS_SECRET_ACCESS_KEY")).toBe("aws-secret");
    expect(secretName("Authorization")).toBe("authorization");
    expect(secretName("_authToken")).toBe("npm-auth");
    for (const name of ["max_tokens", "token_type", "bypass", "passport", "keyboard", "monkey", "key", "primary_key", "secret_color", "author"]) {
      expect(secretName(name), name).toBeNull();
    }
  });
});

describe("secrets: hostile input", () => {
  it("never throws and returns quickly on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 2000 }), (text) => {
        const started = performance.now();
        scan(text);
        return performance.now() - started < 200;
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on text built from the rules' own pieces", () => {
    const piece = fc.oneof(
      fc.constantFrom(
        "AK" + "IA",
        "gh" + "p_",
        "github" + "_pat_",
        "xo" + "xb-",
        "sk" + "-",
        "sk" + "-ant-",
        "sk" + "_live_",
        "AI" + "za",
        "np" + "m_",
        "S" + "G.",
        "eyJ",
      ),
      fc.constantFrom(
        "-----BEGIN RSA PRIVATE KEY-----",
        "-----END RSA PRIVATE KEY-----",
        "://",
        "@",
        ":",
        "=",
        "=>",
        '"',
        "'",
        "`",
        "\n",
        " ",
        "Bearer ",
        "Basic ",
      ),
      fc.constantFrom("password", "api_key", "Authorization", "token", "_authToken", "aws_secret_access_key", "postgres", "https"),
      fc.string({ unit: "binary-ascii", maxLength: 50 }),
      fc.stringMatching(/^[A-Za-z0-9_+/=-]{1,60}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (pieces) => {
        const text = pieces.join("");
        const findings = scan(text);
        for (const f of findings) {
          expect(f.evidence.start).toBeGreaterThanOrEqual(0);
          expect(f.evidence.end).toBeLessThanOrEqual(text.length);
          expect(maskedEvidence(text.slice(f.evidence.start, f.evidence.end))).toBe(f.evidence.text);
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("stays linear on inputs built to make each check backtrack or rescan", () => {
    const n = 64_000;
    const hostile = [
      "a".repeat(n),
      "A".repeat(n),
      "1".repeat(n),
      " ".repeat(n),
      "=".repeat(n),
      ":".repeat(n),
      "eyJ".repeat(n / 3),
      "eyJhbGciOiJIUzI1NiJ9.".repeat(n / 21),
      `eyJ${"a".repeat(n)}`,
      "-----BEGIN ".repeat(n / 11),
      "-----BEGIN RSA PRIVATE KEY-----".repeat(n / 31),
      `-----BEGIN RSA PRIVATE KEY-----${"A".repeat(n)}`,
      "a://".repeat(n / 4),
      "http://u:".repeat(n / 9),
      `http://${"u".repeat(n / 2)}:${"p".repeat(n / 2)}`,
      `http://u:${"p".repeat(250)}`.repeat(n / 260),
      "password=".repeat(n / 9),
      'password="'.repeat(n / 10),
      `password="${"x".repeat(n)}`,
      "api_key: ".repeat(n / 9),
      `${"a".repeat(n)}_token=x`,
      `${"x".repeat(95)}token=`.repeat(n / 101),
      "Authorization: Bearer ".repeat(n / 22),
      `Authorization: Basic ${"QUFB".repeat(n / 4)}`,
      j("xo", "xb-1").repeat(n / 6),
      `xo${"xb-"}${"1-".repeat(n / 2)}`,
      j("sk", "-".repeat(n)),
      `sk-${"a".repeat(n)}`,
      j("sk", "-ant-api03-").repeat(n / 14),
      j("AK", "IA").repeat(n / 4),
      "hooks.slack.com/services/".repeat(n / 25),
      j("gh", "p_").repeat(n / 4),
      j("S", "G.").repeat(n / 3),
      "SK".repeat(n / 2),
      Buffer.from(Uint8Array.from({ length: 48_000 }, (_, i) => (i * 7919) % 256)).toString("base64"),
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(() => findSecrets(text)).not.toThrow();
      expect(performance.now() - started, text.slice(0, 40)).toBeLessThan(2_000);
    }
  });

  it("keeps a bounded number of findings from a field full of secrets", () => {
    const text = Array.from({ length: 500 }, () => j("gh", "p_", rand(36))).join("\n");
    expect(scan(text).length).toBeLessThanOrEqual(25);
  });
});
