import { z } from "zod";
import { log } from "./log";

// OAuth 2.0 client credentials (RFC 6749 §4.4) for an HTTP upstream that wants a bearer token of
// its own: the bridge, not the agent, holds the client secret, fetches an access token from the
// upstream's authorization server, refreshes it before it expires, and sends it as
// `Authorization: Bearer` on every request to that upstream. Without a current token no request
// goes out (fail closed): the call fails naming the reason. Nothing here logs a secret or a token.

/** Refresh when this much of a token's lifetime is left (but at least a few seconds before it ends). */
const REFRESH_AT_FRACTION = 0.2;
const MIN_REFRESH_LEAD_MS = 5_000;
/** Without `expires_in`, a token is used for this long (RFC 6749 lets the server leave it out). */
const DEFAULT_LIFETIME_MS = 5 * 60_000;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** What the bridge's --secrets file says under `upstreams.<name>.oauth` (the client secret already resolved). */
export const ZOAuthClientCredentials = z
  .object({
    tokenUrl: z
      .string()
      .url()
      .refine((url) => {
        const { protocol, hostname } = new URL(url);
        return protocol === "https:" || (protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(hostname));
      }, "the token endpoint must be https:// (http:// only on loopback): the client secret travels to it"),
    clientId: z.string().min(1).max(255),
    clientSecret: z.string().min(1),
    scope: z.string().max(2000).optional(),
    /** RFC 8707: the upstream's URL, for servers that issue audience-bound tokens (MCP's authorization spec does). */
    resource: z.string().url().optional(),
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). */
    authMethod: z.enum(["client_secret_basic", "client_secret_post"]).default("client_secret_basic"),
  })
  .strict();
export type TOAuthClientCredentials = z.infer<typeof ZOAuthClientCredentials>;

const ZTokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === "bearer", "only bearer tokens are supported"),
  expires_in: z.coerce.number().positive().optional(),
});

/** An access token kept fresh for one upstream. */
export class ClientCredentialsToken {
  private token: { value: string; expiresAt: number } | null = null;
  private lastError: string | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private retryDelay = RETRY_FIRST_MS;
  private closed = false;

  constructor(
    private readonly upstream: string,
    private readonly config: TOAuthClientCredentials,
    /** Told when a new token replaces the old one (the merged headers are rebuilt). */
    private readonly onToken: () => void,
    private readonly fetchImpl: typeof fetch = fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** Fetches the first token (resolves either way; a failure is retried in the background). */
  start(): Promise<void> {
    return this.refresh();
  }

  /** Whether a token that has not expired is at hand. */
  isCurrent(): boolean {
    return this.token !== null && this.token.expiresAt > this.now();
  }

  /** The header value for the next request; throws (the request is not sent) when no current token exists. */
  authorization(): string {
    if (this.token && this.isCurrent()) return `Bearer ${this.token.value}`;
    if (!this.inFlight && !this.closed) void this.refresh();
    throw new Error(`no OAuth access token for upstream "${this.upstream}"${this.lastError ? `: ${this.lastError}` : " yet"}`);
  }

  close(): void {
    this.closed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchToken(): Promise<void> {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    try {
      const { value, lifetimeMs } = await this.requestToken();
      this.token = { value, expiresAt: this.now() + lifetimeMs };
      if (this.lastError) log(`upstream "${this.upstream}": OAuth access token obtained after failed attempts`);
      this.lastError = null;
      this.retryDelay = RETRY_FIRST_MS;
      this.onToken();
      this.schedule(Math.max(lifetimeMs - Math.max(MIN_REFRESH_LEAD_MS, lifetimeMs * REFRESH_AT_FRACTION), 1_000));
    } catch (error) {
      this.lastError = (error as Error).message;
      log(`upstream "${this.upstream}": could not obtain an OAuth access token (${this.lastError}); retrying in ${Math.round(this.retryDelay / 1000)} s`);
      this.schedule(this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
    }
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.refreshTimer = setTimeout(() => void this.refresh(), ms);
    this.refreshTimer.unref();
  }

  private async requestToken(): Promise<{ value: string; lifetimeMs: number }> {
    const { tokenUrl, clientId, clientSecret, scope, resource, authMethod } = this.config;
    const body = new URLSearchParams({ grant_type: "client_credentials" });
    if (scope) body.set("scope", scope);
    if (resource) body.set("resource", resource);
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    if (authMethod === "client_secret_basic") {
      // RFC 6749 §2.3.1: each part form-encoded before the Basic encoding.
      headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString("base64")}`;
    } else {
      body.set("client_id", clientId);
      body.set("client_secret", clientSecret);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(tokenUrl, { method: "POST", headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "error" });
    } catch (error) {
      throw new Error(
        `the token endpoint ${tokenUrl} could not be reached (${(error as Error).name === "TimeoutError" ? "timed out" : (error as Error).message})`,
      );
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`the token endpoint answered ${res.status} without JSON`);
    }
    if (!res.ok) {
      // RFC 6749 §5.2: the error code and description are the server's words, never the secret.
      const error = z.object({ error: z.string().max(100), error_description: z.string().max(300).optional() }).safeParse(json);
      throw new Error(
        `the token endpoint refused (${res.status}${error.success ? ` ${error.data.error}${error.data.error_description ? `: ${error.data.error_description}` : ""}` : ""})`,
      );
    }
    const answer = ZTokenAnswer.safeParse(json);
    if (!answer.success)
      throw new Error(`the token endpoint's answer is not a bearer token (${answer.error.issues[0].path.join(".")}: ${answer.error.issues[0].message})`);
    return { value: answer.data.access_token, lifetimeMs: answer.data.expires_in ? answer.data.expires_in * 1000 : DEFAULT_LIFETIME_MS };
  }
}
