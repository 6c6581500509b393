import { findingOf, maskedEvidence, type TDetector, type TFinding, type TSeverity, type TTextField } from "./detector.types";
import { decodeBase64, isExampleValue, isPlaceholder, shannonEntropy } from "./secret-values";

// Credentials in text: provider tokens by their documented formats, private key
// blocks, JSON Web Tokens, passwords in URLs, and high-entropy values assigned to
// secret-sounding names (`api_key=…`, `"password": "…"`, `arguments.token`).
//
// The rules are written here rather than taken from secretlint's preset: its
// rules can be driven synchronously through the rule API, but each one compiles
// and runs its regexes over the whole text (about 40 µs for 4 KB of plain prose
// and 440 µs per 64 KB field on this machine, most of the content scan's budget),
// and it has no rule for Stripe, Google API keys, Twilio, JWTs or generic
// assignments. The formats below follow each provider's documentation and agree
// with secretlint's and gitleaks' rules where those exist.
//
// Cost: two passes of one regex each over the text (token prefixes; secret-sounding
// names), then a bounded check where one of them hit. Every pattern below is
// sticky (tried only at a prefilter hit), has bounded repeats and no nested
// quantifier that can backtrack.

interface TTokenRule {
  /** What the message names; never the value. */
  kind: string;
  /** The literal the prefilter finds; the pattern is tried where it starts. */
  prefix: string;
  /** Sticky, from the prefix on, ending at a token boundary. */
  pattern: RegExp;
  severity: TSeverity;
  /** A live format that is also issued for tests or sandboxes: `sk_test_…`. */
  tested?: { marker: string; severity: TSeverity; kind: string };
  /** Only a value with a digit is taken (vendors' documented placeholders are often words). */
  needsDigit?: boolean;
  /** Found inside URLs: no token boundary needed before the prefix. */
  inUrl?: boolean;
}

/** Base64, base64url and most token alphabets: a token never starts right after one of these. */
const TOKEN_CHAR = /[A-Za-z0-9+/_]/;

const TOKEN_RULES: readonly TTokenRule[] = [
  // AWS IAM identifiers, "Understanding unique ID prefixes" (IAM User Guide):
  // AKIA long-term access key id, ASIA temporary (STS) key id; 16 more base32 chars.
  { kind: "an AWS access key id", prefix: "AKIA", pattern: /AKIA[A-Z2-7]{16}(?![A-Za-z0-9+/])/y, severity: "high" },
  { kind: "an AWS temporary access key id", prefix: "ASIA", pattern: /ASIA[A-Z2-7]{16}(?![A-Za-z0-9+/])/y, severity: "high" },
  // GitHub, "About authentication to GitHub › GitHub's token formats": ghp_ personal,
  // gho_ OAuth, ghu_ user-to-server, ghs_ server-to-server, ghr_ refresh; 36 base62 chars.
  { kind: "a GitHub personal access token", prefix: "ghp_", pattern: /ghp_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, severity: "high" },
  { kind: "a GitHub OAuth access token", prefix: "gho_", pattern: /gho_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, severity: "high" },
  { kind: "a GitHub user-to-server token", prefix: "ghu_", pattern: /ghu_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, severity: "high" },
  { kind: "a GitHub server-to-server token", prefix: "ghs_", pattern: /ghs_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, severity: "high" },
  { kind: "a GitHub refresh token", prefix: "ghr_", pattern: /ghr_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/y, severity: "high" },
  // Fine-grained personal access tokens: github_pat_ + 22 + "_" + 59 (gitleaks github-fine-grained-pat: \w{82}).
  { kind: "a GitHub fine-grained personal access token", prefix: "github_pat_", pattern: /github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/y, severity: "high" },
  // GitLab, "Token overview › Token prefixes": glpat- personal/project/group access
  // tokens, gldt- deploy, glrt- runner, glptt- pipeline trigger, gloas- OAuth app secret.
  { kind: "a GitLab access token", prefix: "glpat-", pattern: /glpat-[A-Za-z0-9_.-]{20,128}(?![A-Za-z0-9_.-])/y, severity: "high" },
  { kind: "a GitLab deploy token", prefix: "gldt-", pattern: /gldt-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/y, severity: "high" },
  { kind: "a GitLab runner token", prefix: "glrt-", pattern: /glrt-[A-Za-z0-9_.-]{20,128}(?![A-Za-z0-9_.-])/y, severity: "high" },
  { kind: "a GitLab pipeline trigger token", prefix: "glptt-", pattern: /glptt-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/y, severity: "high" },
  { kind: "a GitLab OAuth application secret", prefix: "gloas-", pattern: /gloas-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/y, severity: "high" },
  // Slack, "Token types": xoxb- bot, xoxp- user, xoxa-/xoxr- (rotating), xoxe. config;
  // dash-separated numeric ids then a random part. "xapp-" app-level tokens.
  {
    kind: "a Slack token",
    prefix: "xox",
    pattern: /xox[abepsr](?:\.xox[bp])?-[0-9A-Za-z]{1,40}(?:-[0-9A-Za-z]{1,64}){1,6}(?![0-9A-Za-z-])/y,
    severity: "high",
    needsDigit: true,
  },
  { kind: "a Slack app-level token", prefix: "xapp-", pattern: /xapp-\d-[A-Za-z0-9]{6,40}-\d{6,20}-[A-Za-z0-9]{20,128}(?![A-Za-z0-9])/y, severity: "high" },
  // Slack, "Sending messages using incoming webhooks": hooks.slack.com/services/T…/B…/<24 chars>.
  {
    kind: "a Slack webhook URL",
    prefix: "hooks.slack.com/",
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]{6,20}\/[A-Za-z0-9]{6,20}\/[A-Za-z0-9]{16,64}(?![A-Za-z0-9])/y,
    severity: "high",
    inUrl: true,
  },
  // Stripe, "API keys": sk_ secret and rk_ restricted keys, live and test modes; whsec_ webhook signing secrets.
  {
    kind: "a Stripe secret key",
    prefix: "sk_",
    pattern: /sk_(?:live|test)_[A-Za-z0-9]{20,247}(?![A-Za-z0-9])/y,
    severity: "high",
    tested: { marker: "sk_test_", severity: "medium", kind: "a Stripe test-mode secret key" },
  },
  {
    kind: "a Stripe restricted key",
    prefix: "rk_",
    pattern: /rk_(?:live|test)_[A-Za-z0-9]{20,247}(?![A-Za-z0-9])/y,
    severity: "high",
    tested: { marker: "rk_test_", severity: "medium", kind: "a Stripe test-mode restricted key" },
  },
  { kind: "a Stripe webhook signing secret", prefix: "whsec_", pattern: /whsec_[A-Za-z0-9+/]{32,128}={0,2}(?![A-Za-z0-9+/=])/y, severity: "high" },
  // Anthropic, "API keys": sk-ant-api03-… (secretlint anthropic rule: 90–128 chars ending in AA); admin and OAuth variants.
  { kind: "an Anthropic API key", prefix: "sk-", pattern: /sk-ant-[a-z]{3,6}\d{2}-[A-Za-z0-9_-]{80,200}(?![A-Za-z0-9_-])/y, severity: "high" },
  // OpenAI, "API keys": project, service-account and admin keys (sk-proj-, sk-svcacct-, sk-admin-),
  // and the older sk- + 48 base62 chars (many providers copied that format, so it is named "OpenAI-style").
  { kind: "an OpenAI API key", prefix: "sk-", pattern: /sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,250}(?![A-Za-z0-9_-])/y, severity: "high" },
  { kind: "an OpenAI-style secret key (sk-…)", prefix: "sk-", pattern: /sk-[A-Za-z0-9]{32,200}(?![A-Za-z0-9_-])/y, severity: "high", needsDigit: true },
  // Google Cloud, "Manage API keys": AIza + 35 chars (gitleaks gcp-api-key). OAuth client secrets: GOCSPX-.
  { kind: "a Google API key", prefix: "AIza", pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/y, severity: "high" },
  { kind: "a Google OAuth client secret", prefix: "GOCSPX-", pattern: /GOCSPX-[0-9A-Za-z_-]{28}(?![0-9A-Za-z_-])/y, severity: "high" },
  // npm, "About access tokens": granular and automation tokens are npm_ + 36 base62 chars.
  { kind: "an npm access token", prefix: "npm_", pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/y, severity: "high" },
  // SendGrid, "API keys": SG. + 22 + . + 43 (base64url), as in gitleaks sendgrid-api-token.
  { kind: "a SendGrid API key", prefix: "SG.", pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y, severity: "high" },
  // Twilio, "API keys": an API key SID is SK + 32 hex; it identifies a key whose secret travels with it.
  { kind: "a Twilio API key SID", prefix: "SK", pattern: /SK[0-9a-f]{32}(?![0-9A-Za-z])/y, severity: "medium" },
  // Hugging Face, "User access tokens": hf_ + 34 letters (secretlint huggingface rule).
  { kind: "a Hugging Face access token", prefix: "hf_", pattern: /hf_[A-Za-z]{34}(?![A-Za-z0-9])/y, severity: "high" },
  // Groq, "API keys": gsk_ + 52 (secretlint groq rule).
  { kind: "a Groq API key", prefix: "gsk_", pattern: /gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9])/y, severity: "high" },
  // Shopify, "Access tokens": shpat_/shpca_/shppa_/shpss_ + 32 hex.
  { kind: "a Shopify access token", prefix: "shp", pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])/y, severity: "high" },
  // Docker Hub, "Personal access tokens": dckr_pat_ + 27 (secretlint docker rule).
  { kind: "a Docker Hub access token", prefix: "dckr_pat_", pattern: /dckr_pat_[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])/y, severity: "high" },
  // HashiCorp Vault, "Tokens › Token prefixes": hvs. service tokens.
  { kind: "a HashiCorp Vault token", prefix: "hvs.", pattern: /hvs\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/y, severity: "high" },
  // Databricks, "Personal access tokens": dapi + 32 hex, optionally -N.
  { kind: "a Databricks access token", prefix: "dapi", pattern: /dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])/y, severity: "high" },
];

/** Formats checked by code rather than one pattern; their prefixes join the same prefilter. */
const PEM_PREFIX = "-----BEGIN ";
const JWT_PREFIX = "eyJ";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const RULES_BY_PREFIX = new Map<string, TTokenRule[]>();
for (const rule of TOKEN_RULES) RULES_BY_PREFIX.set(rule.prefix, [...(RULES_BY_PREFIX.get(rule.prefix) ?? []), rule]);
/** One pass over the text finds every place a token format can start. */
const PREFIXES = new RegExp(
  [...RULES_BY_PREFIX.keys(), PEM_PREFIX, JWT_PREFIX]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|"),
  "g",
);
/** A second pass finds operators: assignments (`name = value`, `"name": "value"`) and URLs (`://`, for passwords in them). */
const OPERATORS = /[:=]/g;

const MAX_HITS = 4_000;
const MAX_FINDINGS = 25;
const MAX_VALUE = 512;

interface THit {
  kind: string;
  severity: TSeverity;
  start: number;
  end: number;
  /** Appended to the message, e.g. "(an example or placeholder value)". */
  note?: string;
}

const EXAMPLE_NOTE = "(a documented example or placeholder value)";

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

/** A token-format match: live, test-mode, or an example/placeholder (low). */
function tokenHit(rule: TTokenRule, value: string, start: number): THit | null {
  const random = value.slice(rule.prefix.length);
  if (rule.needsDigit && !hasDigit(random)) return { kind: rule.kind, severity: "low", start, end: start + value.length, note: EXAMPLE_NOTE };
  if (isExampleValue(random)) return { kind: rule.kind, severity: "low", start, end: start + value.length, note: EXAMPLE_NOTE };
  if (rule.tested && value.startsWith(rule.tested.marker)) return { kind: rule.tested.kind, severity: rule.tested.severity, start, end: start + value.length };
  return { kind: rule.kind, severity: rule.severity, start, end: start + value.length };
}

const PEM_HEADER = /-----BEGIN ((?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?)-----/y;
const PEM_SPAN = 16_384;
const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/** A private key block: high with a key body; low when the body is missing, elided or too short to be a key (documentation). */
function pemHit(text: string, at: number): THit | null {
  PEM_HEADER.lastIndex = at;
  const header = PEM_HEADER.exec(text);
  if (!header) return null;
  const label = header[1] ?? "PRIVATE KEY";
  const bodyStart = at + header[0].length;
  const endMarker = text.indexOf("-----END ", bodyStart);
  const bodyEnd = endMarker !== -1 && endMarker - bodyStart <= PEM_SPAN ? endMarker : Math.min(text.length, bodyStart + 4096);
  let keyChars = 0;
  for (let i = bodyStart; i < bodyEnd; i++) if (BASE64_CHAR.test(text[i] as string)) keyChars++;
  const body = text.slice(bodyStart, bodyEnd);
  let end = bodyEnd;
  if (endMarker === bodyEnd) {
    const close = text.indexOf("-----", endMarker + 9);
    end = close !== -1 && close - endMarker < 64 ? close + 5 : endMarker + 9;
  }
  const kind = `a private key in a PEM "${label}" block`;
  if (keyChars < 64 || body.includes("...") || body.includes("…") || /example|<[^<>]{1,64}>/i.test(body))
    return { kind, severity: "low", start: at, end, note: "(no key material: an example or a placeholder)" };
  if (label.startsWith("ENCRYPTED")) return { kind, severity: "medium", start: at, end, note: "(encrypted with a passphrase)" };
  return { kind, severity: "high", start: at, end };
}

const isBase64UrlCode = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
function base64UrlRun(text: string, from: number, max: number): number {
  let i = from;
  const limit = Math.min(text.length, from + max);
  while (i < limit && isBase64UrlCode(text.charCodeAt(i))) i++;
  return i;
}

/** jwt.io's sample token, copied into countless docs and tests. */
const JWT_SAMPLE_SIGNATURES = new Set(["SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30"]);

/** A JSON Web Token: header and payload are base64url JSON; `skip` is where a failed attempt's run ended. */
function jwtHit(text: string, at: number): { hit: THit | null; skip: number } {
  const headerEnd = base64UrlRun(text, at, 2048);
  if (text.charCodeAt(headerEnd) !== 46 || !text.startsWith(JWT_PREFIX, headerEnd + 1) || headerEnd - at < 10) return { hit: null, skip: headerEnd };
  const payloadEnd = base64UrlRun(text, headerEnd + 1, 16_384);
  if (text.charCodeAt(payloadEnd) !== 46 || payloadEnd - headerEnd < 10) return { hit: null, skip: payloadEnd };
  const end = base64UrlRun(text, payloadEnd + 1, 2048);
  const header = decodeBase64(text.slice(at, headerEnd), true);
  if (!header || !/"(?:alg|typ)"\s*:/.test(header)) return { hit: null, skip: end };
  const signature = text.slice(payloadEnd + 1, end);
  const kind = "a JSON Web Token";
  if (signature.length < 16) return { hit: { kind, severity: "low", start: at, end, note: "(unsigned)" }, skip: end };
  const payload = decodeBase64(text.slice(headerEnd + 1, payloadEnd), true) ?? "";
  if (JWT_SAMPLE_SIGNATURES.has(signature) || /"John Doe"|"sub"\s*:\s*"1234567890"/.test(payload))
    return { hit: { kind, severity: "low", start: at, end, note: EXAMPLE_NOTE }, skip: end };
  return { hit: { kind, severity: "medium", start: at, end }, skip: end };
}

const URL_USERINFO = /([^\s:/@?#"'<>`]{0,128}):([^\s/@?#"'<>`]{1,256})@(?=[A-Za-z0-9[])([A-Za-z0-9.-]{0,253})/y;
const DB_SCHEMES: Record<string, string> = {
  postgres: "PostgreSQL",
  postgresql: "PostgreSQL",
  mysql: "MySQL",
  mysqlx: "MySQL",
  mariadb: "MariaDB",
  mongodb: "MongoDB",
  "mongodb+srv": "MongoDB",
  redis: "Redis",
  rediss: "Redis",
  amqp: "AMQP",
  amqps: "AMQP",
  mssql: "SQL Server",
  sqlserver: "SQL Server",
  oracle: "Oracle",
  clickhouse: "ClickHouse",
  cockroachdb: "CockroachDB",
};
/** RFC 2606 names for documentation. */
const EXAMPLE_HOST = /(?:^|\.)(?:example\.(?:com|org|net)|example|test|invalid|localhost)$/i;
const DEFAULT_PASSWORDS = new Set(["password", "pass", "passwd", "pwd", "secret", "changeme", "admin", "root", "postgres", "mysql", "guest", "test", "user"]);

const isSchemeCode = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;

/** A password in a URL's userinfo (`scheme://user:password@host`); the evidence is the password. */
function urlPasswordHit(text: string, at: number): THit | null {
  URL_USERINFO.lastIndex = at + 3;
  const m = URL_USERINFO.exec(text);
  if (!m) return null;
  let s = at;
  while (s > 0 && at - s < 32 && isSchemeCode(text.charCodeAt(s - 1))) s--;
  const scheme = text.slice(s, at).toLowerCase();
  if (!/^[a-z]/.test(scheme)) return null;
  const user = m[1] ?? "";
  const password = m[2] ?? "";
  const host = m[3] ?? "";
  // `https://host:8443@other`: a port where a password would be, a look-alike URL but no credential.
  if (/^\d{1,5}$/.test(password)) return null;
  const start = at + 3 + user.length + 1;
  const end = start + password.length;
  const db = DB_SCHEMES[scheme];
  const kind = db ? `a password in a ${db} connection URL` : "a password in a URL (basic auth)";
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // Not percent-encoded: judged as it is.
  }
  // A documentation host lowers only a password that also reads as written by hand (short or uniform): a random one is a credential wherever it points.
  const isHandWritten = decoded.length < 12 || shannonEntropy(decoded) < 3;
  if (isPlaceholder(decoded) || DEFAULT_PASSWORDS.has(decoded.toLowerCase()) || decoded === user || (EXAMPLE_HOST.test(host) && isHandWritten))
    return { kind, severity: "low", start, end, note: EXAMPLE_NOTE };
  return { kind, severity: "high", start, end };
}

// Generic assignments: a secret-sounding name, an operator, a value.
const isIdentCode = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
const PASSWORD_WORDS = new Set(["password", "passwd", "pwd", "pass", "passphrase", "passcode"]);
const TOKEN_WORDS = new Set(["secret", "token", "apikey", "credential", "credentials", "authorization", "auth"]);
const KEY_QUALIFIERS = new Set(["api", "access", "secret", "private", "account", "signing", "master", "encryption", "client", "auth", "subscription"]);

type TNameKind = "password" | "token" | "authorization" | "aws-secret" | "npm-auth";

/** Names already judged: a text repeats the same few names (`"password":` in every record). */
const NAME_CACHE = new Map<string, TNameKind | null>();

/** Whether a name reads as a credential's: judged on its last words (`db_password`, `apiKey`, `x-api-key`, `secretAccessKey`). */
export function secretName(name: string): TNameKind | null {
  const cached = NAME_CACHE.get(name);
  if (cached !== undefined) return cached;
  const kind = judgeName(name);
  if (NAME_CACHE.size >= 1_000) NAME_CACHE.clear();
  NAME_CACHE.set(name, kind);
  return kind;
}

function judgeName(name: string): TNameKind | null {
  if (!name || name.length > 96) return null;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  if (!last) return null;
  const prev = words[words.length - 2];
  const joined = words.join("");
  if (/(?:^|_)authtoken$/i.test(name) && name.startsWith("_")) return "npm-auth";
  if (joined.endsWith("secretaccesskey") || (joined.includes("aws") && (last === "secret" || (last === "key" && prev === "secret")))) return "aws-secret";
  if (last === "authorization") return "authorization";
  if (PASSWORD_WORDS.has(last)) return "password";
  if (TOKEN_WORDS.has(last) || last === "apikey" || last === "secretkey" || last === "privatekey" || last === "accesskey") return "token";
  if (last === "key" && prev && KEY_QUALIFIERS.has(prev)) return "token";
  return null;
}

const AUTH_SCHEME = /^(bearer|basic|token|bot|apikey)\s+(\S{1,512})/i;
const RFC_BASIC_EXAMPLES = new Set(["Aladdin:open sesame", "user:pass", "username:password", "user:password", "admin:admin"]);

/** Judges a value given to a secret-sounding name; `start` is the value's offset. */
function assignedValueHit(kind: TNameKind, name: string, value: string, start: number, isDelimited: boolean): THit | null {
  if (kind === "authorization") {
    const scheme = AUTH_SCHEME.exec(value);
    if (!scheme) return assignedValueHit("token", name, value, start, isDelimited);
    const credential = (scheme[2] as string).replace(/["'`,;]+$/, "");
    const credStart = start + value.indexOf(credential, (scheme[1] as string).length);
    if ((scheme[1] as string).toLowerCase() === "basic") {
      const decoded = decodeBase64(credential, false);
      const colon = decoded ? decoded.indexOf(":") : -1;
      if (!decoded || colon < 1) return null;
      const password = decoded.slice(colon + 1);
      const hit: THit = {
        kind: "a user name and password in a Basic Authorization header",
        severity: "high",
        start: credStart,
        end: credStart + credential.length,
      };
      if (RFC_BASIC_EXAMPLES.has(decoded) || isPlaceholder(password) || DEFAULT_PASSWORDS.has(password.toLowerCase()))
        return { ...hit, severity: "low", note: EXAMPLE_NOTE };
      return hit;
    }
    if (isPlaceholder(credential) || !isHighEntropyToken(credential)) return null;
    return { kind: "a bearer token in an Authorization header", severity: "medium", start: credStart, end: credStart + credential.length };
  }
  const end = start + value.length;
  // AWS documents its example secret key in the same shape as a real one: low, not nothing.
  if (kind === "aws-secret" && /^[A-Za-z0-9/+]{40}$/.test(value)) {
    if (isExampleValue(value)) return { kind: "an AWS secret access key", severity: "low", start, end, note: EXAMPLE_NOTE };
    return { kind: "an AWS secret access key", severity: "high", start, end };
  }
  if (isPlaceholder(value) || isCodeReference(value)) return null;
  if (kind === "npm-auth" && value.length >= 16 && !/\s/.test(value)) return { kind: "an npm auth token", severity: "high", start, end };
  const shownName = `"${name.slice(0, 64)}"`;
  if (kind === "password") {
    if (!isDelimited || value.length < 4) return null;
    if (isStrongPassword(value)) return { kind: `a password assigned to ${shownName}`, severity: "medium", start, end };
    return { kind: `a password assigned to ${shownName}`, severity: "low", start, end, note: "(weak or example-like)" };
  }
  if (isHighEntropyToken(value)) return { kind: `a high-entropy value assigned to ${shownName}`, severity: "medium", start, end };
  return null;
}

/** `config.apiKey`, `getToken()`, `userPassword`: code that names a secret, not the secret. */
function isCodeReference(value: string): boolean {
  return /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*(?:\(\))?$/.test(value) && !hasDigit(value) && value.length < 48;
}

function isStrongPassword(value: string): boolean {
  if (value.length < 8 || /\s/.test(value)) return false;
  let classes = 0;
  if (/[a-z]/.test(value)) classes++;
  if (/[A-Z]/.test(value)) classes++;
  if (/[0-9]/.test(value)) classes++;
  if (/[^A-Za-z0-9]/.test(value)) classes++;
  const entropy = shannonEntropy(value);
  return (classes >= 3 && entropy >= 2.8) || (value.length >= 12 && entropy >= 3.3);
}

/** A random-looking token: long enough, varied enough, letters with digits (or very long and varied). */
export function isHighEntropyToken(value: string): boolean {
  if (value.length < 16 || value.length > MAX_VALUE || /\s/.test(value)) return false;
  if (/^(?:sha\d+|md5)[-:]/i.test(value) || /^https?:/i.test(value) || /^[./~]/.test(value)) return false;
  const entropy = shannonEntropy(value);
  const hasLetter = /[A-Za-z]/.test(value);
  // Hex tops out at 4 bits a character, and a random 32-hex key lands anywhere from 3.3 up: judged against its own alphabet.
  if (/^[0-9a-f]+$/i.test(value)) return value.length >= 24 && entropy >= 3.1 && hasLetter && hasDigit(value);
  return (entropy >= 3.5 && hasLetter && hasDigit(value)) || (value.length >= 32 && entropy >= 4.2);
}

const QUOTE_CODES = new Set([34, 39, 96]);
const UNQUOTED_STOP = /[\s,;&"'`)\]}]/;

/** Cheap test before a name is judged: none of these roots, no credential name. */
const NAME_ROOTS = /pass|pwd|secret|token|key|credential|auth/i;

/**
 * At an operator (`=`, `:`, `:=`, `=>`): reads `name ["']? <op> value` backwards and
 * forwards and judges the value when the name is a credential's. `next` is where
 * scanning resumes.
 */
function assignmentHit(text: string, op: number): { hit: THit | null; next: number } {
  let i = op + 1;
  const c = text[op];
  if (c === ":" && text[op + 1] === "=") i = op + 2;
  else if (c === "=" && text[op + 1] === ">") i = op + 2;
  else if (text[op + 1] === c || (c === "=" && /[!<>=]/.test(text[op - 1] ?? ""))) return { hit: null, next: op + 2 };
  // Backwards over spaces, a closing quote or bracket, then the name.
  let e = op;
  while (e > 0 && op - e < 4 && (text[e - 1] === " " || text[e - 1] === "\t")) e--;
  if (e > 0 && (QUOTE_CODES.has(text.charCodeAt(e - 1)) || text[e - 1] === "]")) e--;
  let s = e;
  while (s > 0 && e - s < 96 && isIdentCode(text.charCodeAt(s - 1))) s--;
  if (s === e || (s > 0 && e - s >= 96)) return { hit: null, next: i };
  let nameEnd = e;
  while (nameEnd > s && (text[nameEnd - 1] === "." || text[nameEnd - 1] === "-")) nameEnd--;
  const name = text.slice(s, nameEnd);
  if (!NAME_ROOTS.test(name)) return { hit: null, next: i };
  const kind = secretName(name);
  if (!kind) return { hit: null, next: i };
  while (i < text.length && i - op < 12 && (text[i] === " " || text[i] === "\t")) i++;
  let value: string;
  let valueStart: number;
  let isDelimited: boolean;
  if (QUOTE_CODES.has(text.charCodeAt(i))) {
    const quote = text.charCodeAt(i);
    let close = i + 1;
    while (close < text.length && close - i <= MAX_VALUE && text.charCodeAt(close) !== quote) close++;
    if (text.charCodeAt(close) !== quote) return { hit: null, next: i + 1 };
    valueStart = i + 1;
    value = text.slice(valueStart, close);
    isDelimited = true;
  } else {
    let j = i;
    while (j < text.length && j - i < MAX_VALUE && !UNQUOTED_STOP.test(text[j] as string)) j++;
    valueStart = i;
    value = text.slice(i, j);
    // `Authorization: Bearer abc…` continues after the scheme word.
    if (kind === "authorization" && text[j] === " ") {
      let k = j + 1;
      while (k < text.length && k - j < MAX_VALUE && !UNQUOTED_STOP.test(text[k] as string)) k++;
      value = text.slice(i, k);
      j = k;
    }
    // A value the sentence goes on after is prose, not an assignment: "Password: must be 8 characters".
    const after = text[j];
    isDelimited = after === undefined || after === "\n" || after === "\r" || after === "," || after === ";" || after === "&" || after === "}";
  }
  if (!value) return { hit: null, next: i };
  return { hit: assignedValueHit(kind, name, value, valueStart, isDelimited), next: Math.max(i, valueStart + value.length) };
}

/** The last segment of a field's path is its name: `arguments.headers.Authorization`, `arguments.db_password`. */
function locationHit(field: TTextField): THit | null {
  const dot = field.location.lastIndexOf(".");
  const name = field.location.slice(dot + 1);
  const kind = secretName(name);
  if (!kind) return null;
  const value = field.text.trim();
  if (!value || value.length > MAX_VALUE || (kind !== "authorization" && /\s/.test(value))) return null;
  return assignedValueHit(kind, name, value, field.text.indexOf(value), true);
}

function overlaps(hits: readonly THit[], start: number, end: number): boolean {
  return hits.some((h) => h.start < end && start < h.end);
}

/** Every credential in one text, in order of the scan; bounded in hits examined and findings kept. */
export function findSecrets(text: string): THit[] {
  const hits: THit[] = [];
  let examined = 0;
  PREFIXES.lastIndex = 0;
  for (let m = PREFIXES.exec(text); m && hits.length < MAX_FINDINGS && examined < MAX_HITS; m = PREFIXES.exec(text)) {
    examined++;
    const at = m.index;
    if (m[0] === PEM_PREFIX) {
      const hit = pemHit(text, at);
      if (hit) {
        hits.push(hit);
        PREFIXES.lastIndex = Math.max(hit.end, at + 1);
      }
      continue;
    }
    const isBounded = at === 0 || !TOKEN_CHAR.test(text[at - 1] as string);
    if (m[0] === JWT_PREFIX) {
      if (!isBounded) continue;
      const { hit, skip } = jwtHit(text, at);
      if (hit) hits.push(hit);
      PREFIXES.lastIndex = Math.max(skip, at + 1);
      continue;
    }
    for (const rule of RULES_BY_PREFIX.get(m[0]) ?? []) {
      if (!isBounded && !rule.inUrl) continue;
      rule.pattern.lastIndex = at;
      const match = rule.pattern.exec(text);
      if (!match) continue;
      const hit = tokenHit(rule, match[0], at);
      if (hit) {
        hits.push(hit);
        PREFIXES.lastIndex = hit.end;
      }
      break;
    }
  }
  examined = 0;
  OPERATORS.lastIndex = 0;
  while (hits.length < MAX_FINDINGS && examined < MAX_HITS && OPERATORS.test(text)) {
    examined++;
    const op = OPERATORS.lastIndex - 1;
    if (text[op] === ":" && text[op + 1] === "/" && text[op + 2] === "/") {
      const hit = urlPasswordHit(text, op);
      if (hit && !overlaps(hits, hit.start, hit.end)) hits.push(hit);
      continue;
    }
    const { hit, next } = assignmentHit(text, op);
    if (hit && !overlaps(hits, hit.start, hit.end)) hits.push(hit);
    OPERATORS.lastIndex = next;
  }
  return hits;
}

/**
 * Secrets: credentials in what a tool returns or a call sends. A live-format
 * credential or a private key is high; a JWT, a test-mode key or a high-entropy
 * value assigned to a secret-sounding name is medium; documented examples and
 * placeholders are low. The evidence is the secret's span; the message names its
 * kind and never contains it.
 */
export const secrets: TDetector = {
  id: "secrets",
  version: 1,
  scan(fields) {
    const findings: TFinding[] = [];
    for (const field of fields) {
      const hits = findSecrets(field.text);
      const fromName = locationHit(field);
      if (fromName && !overlaps(hits, fromName.start, fromName.end)) hits.push(fromName);
      for (const hit of hits) {
        findings.push(
          findingOf(secrets, {
            severity: hit.severity,
            message: hit.note ? `${hit.kind} ${hit.note}` : hit.kind,
            location: field.location,
            evidence: { text: maskedEvidence(field.text.slice(hit.start, hit.end)), start: hit.start, end: hit.end },
          }),
        );
      }
    }
    return findings;
  },
};
