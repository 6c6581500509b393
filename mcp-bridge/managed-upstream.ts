import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ClientCapabilities, ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { GrantHeader } from "./grant-header";
import { log } from "./log";
import { connectUpstream } from "./upstream";
import type { UpstreamSecrets } from "./upstream-secrets";
import type { TUpstreamSpec } from "./upstream-spec";

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 250, maxMs: 30_000 };
const SLOW_START_MS = 10_000;

export interface ManagedUpstreamOptions {
  version: string;
  /** What the bridge declares to the upstream as its client (mirrored from its own client). */
  clientCapabilities: ClientCapabilities;
  /** Installs handlers on each new client before it connects (requests and notifications from the server). */
  configure(client: Client, upstream: ManagedUpstream): void;
  /** The upstream is (again) connected. */
  onUp(upstream: ManagedUpstream): void;
  /** The upstream was connected and is not any more. */
  onDown(upstream: ManagedUpstream): void;
  backoff?: Backoff;
  /** Its environment and headers; a stdio server is started again when its secrets change. */
  secrets?: UpstreamSecrets;
  /** HTTP upstreams: the header each tools/call's grant travels in (grants on). */
  grantHeader?: GrantHeader;
}

/**
 * One upstream MCP server for one downstream session. When its connection ends
 * (a crash, a closed HTTP session) the others are unaffected: it reports itself
 * down, reconnects with exponential backoff and jitter, and reports itself up.
 */
export class ManagedUpstream {
  client: Client | null = null;
  /** What the server declared the last time it connected (kept while it is down). */
  capabilities: ServerCapabilities | undefined;
  instructions: string | undefined;
  /** When the current (or last) connection attempt began: "ready in X ms" counts from here. */
  attemptStartedAt = 0;
  private failures = 0;
  private lastFailure = "";
  private retryTimer: NodeJS.Timeout | undefined;
  private connecting: Promise<void> | undefined;
  private isClosed = false;
  /** Tool calls running, per connection: a replaced connection closes once its own are done. */
  private readonly running = new Map<Client, number>();
  /** Replaced connections waiting for their calls to end, and what wakes each. */
  private readonly drained = new Map<Client, () => void>();
  private readonly stopFollowingSecrets: () => void;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    readonly spec: TUpstreamSpec,
    private readonly options: ManagedUpstreamOptions,
  ) {
    // HTTP servers read their headers per request; a process must start again to see a new environment.
    this.stopFollowingSecrets =
      spec.kind === "stdio" && options.secrets
        ? options.secrets.onChange((names) => {
            // One at a time, in order: each starts with the values current when it runs.
            if (names.has(this.name)) this.renewing = this.renewing.then(() => this.renew());
          })
        : () => undefined;
  }

  get name(): string {
    return this.spec.name;
  }

  get isUp(): boolean {
    return this.client !== null;
  }

  /** The first connection; throws with the reason. The caller decides whether to retry (`retryLater`). */
  async start(): Promise<void> {
    const target = this.spec.kind === "stdio" ? [this.spec.command, ...this.spec.args].join(" ") : this.spec.url.href;
    log(`upstream ${this.name}: starting \`${target}\``);
    await this.connect();
  }

  /** After a failed start: says why and when the next attempt comes, then keeps retrying in the background. */
  retryLater(error: unknown): void {
    this.scheduleRetry(error);
  }

  private connect(): Promise<void> {
    this.attemptStartedAt = Date.now();
    // Silence while `npx -y` downloads a package looks like a hang: say so after a while.
    const slow = setTimeout(() => log(`upstream ${this.name}: still starting after ${SLOW_START_MS / 1000} s (no answer to initialize yet)`), SLOW_START_MS);
    slow.unref();
    this.connecting = this.connectOnce().finally(() => clearTimeout(slow));
    return this.connecting;
  }

  private open(): Promise<Client> {
    const { secrets } = this.options;
    return connectUpstream(this.spec, this.options.version, {
      capabilities: this.options.clientCapabilities,
      configure: (c) => this.options.configure(c, this),
      ...(secrets ? { env: secrets.envFor(this.name), headers: () => secrets.headersFor(this.name) } : {}),
      grantHeader: this.options.grantHeader,
    });
  }

  private async connectOnce(): Promise<void> {
    const client = await this.open();
    if (this.isClosed) {
      await client.close().catch(() => undefined);
      return;
    }
    this.adopt(client);
  }

  /** Runs a tool call on the current connection, counted: `renew` waits for it before closing that connection. */
  async track<T>(client: Client, call: Promise<T>): Promise<T> {
    this.running.set(client, (this.running.get(client) ?? 0) + 1);
    try {
      return await call;
    } finally {
      const left = (this.running.get(client) ?? 1) - 1;
      if (left > 0) this.running.set(client, left);
      else this.running.delete(client);
      if (left <= 0) this.drained.get(client)?.();
    }
  }

  /**
   * Its secrets changed: a new process with the new environment takes the next calls, and the
   * old one ends once the calls it is running are done (the agent's session goes on). If the
   * new one cannot start, the old one keeps serving and the failure is said.
   */
  private async renew(): Promise<void> {
    const old = this.client;
    if (this.isClosed || !old || this.connecting === undefined) return;
    log(`upstream ${this.name}: its secrets changed; starting it again with them`);
    let fresh: Client;
    try {
      await this.connecting.catch(() => undefined);
      fresh = await this.open();
    } catch (error) {
      log(`upstream ${this.name}: cannot start it with the new secrets; the running one stays`, error);
      return;
    }
    if (this.isClosed || this.client !== old) {
      await fresh.close().catch(() => undefined);
      return;
    }
    this.adopt(fresh);
    // In the background: the next renewal need not wait for the old calls.
    void this.retire(old);
  }

  /** Closes a replaced connection once the calls it is running are done. */
  private async retire(old: Client): Promise<void> {
    if (this.running.has(old)) await new Promise<void>((resolve) => this.drained.set(old, resolve));
    this.drained.delete(old);
    this.running.delete(old);
    if (this.isClosed) return;
    await old.close().catch((error) => log(`upstream ${this.name}: closing the replaced connection failed`, error));
  }

  private adopt(client: Client): void {
    this.failures = 0;
    this.lastFailure = "";
    this.client = client;
    this.capabilities = client.getServerCapabilities();
    this.instructions = client.getInstructions();
    client.onclose = () => {
      if (this.client !== client) return;
      this.client = null;
      if (this.isClosed) return;
      log(`upstream ${this.name} closed its connection; reconnecting`);
      this.options.onDown(this);
      this.scheduleRetry();
    };
    this.options.onUp(this);
  }

  private scheduleRetry(error?: unknown): void {
    if (this.isClosed || this.retryTimer) return;
    const { firstMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const ceiling = Math.min(maxMs, firstMs * 2 ** this.failures);
    // Full jitter: many bridges restarting together do not hammer a server in step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.failures++;
    if (error !== undefined) this.reportFailure(error, delay);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error) => this.scheduleRetry(error));
    }, delay);
    this.retryTimer.unref();
  }

  /** Each new reason is said at once; the same one again only every tenth attempt (retries go on for as long as the session). */
  private reportFailure(error: unknown, delayMs: number): void {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === this.lastFailure && this.failures % 10 !== 0) return;
    this.lastFailure = reason;
    const seconds = delayMs < 10_000 ? (delayMs / 1000).toFixed(1) : String(Math.round(delayMs / 1000));
    log(`upstream ${this.name}: failed to start: ${reason}; retrying in ${seconds} s`);
  }

  /** Resolves once the upstream's connection, and its process tree, are gone, including one still being opened. */
  async close(): Promise<void> {
    this.isClosed = true;
    this.stopFollowingSecrets();
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    // Replaced connections still finishing their calls end with the session too.
    const replaced = [...this.drained.keys()];
    await Promise.all([client, ...replaced].map((c) => c?.close().catch((error) => log(`upstream ${this.name}: closing failed`, error))));
    for (const wake of this.drained.values()) wake();
  }
}
