import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { ClientCapabilities, ServerCapabilities } from "@modelcontextprotocol/sdk/types.js";
import { log } from "./log";
import { connectUpstream } from "./upstream";
import type { TUpstreamSpec } from "./upstream-spec";

export interface Backoff {
  firstMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstMs: 250, maxMs: 30_000 };

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
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(
    readonly spec: TUpstreamSpec,
    private readonly options: ManagedUpstreamOptions,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  get isUp(): boolean {
    return this.client !== null;
  }

  /** The first connection. On failure it keeps retrying in the background and rethrows. */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.scheduleRetry();
      throw error;
    }
  }

  private async connect(): Promise<void> {
    const client = await connectUpstream(this.spec, this.options.version, {
      capabilities: this.options.clientCapabilities,
      configure: (c) => this.options.configure(c, this),
    });
    if (this.isClosed) {
      await client.close().catch(() => undefined);
      return;
    }
    this.failures = 0;
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

  private scheduleRetry(): void {
    if (this.isClosed || this.retryTimer) return;
    const { firstMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const ceiling = Math.min(maxMs, firstMs * 2 ** this.failures);
    // Full jitter: many bridges restarting together do not hammer a server in step.
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error) => {
        if (this.failures === 1 || this.failures % 10 === 0) log(`upstream ${this.name} still unreachable`, error);
        this.scheduleRetry();
      });
    }, delay);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.close().catch(() => undefined);
  }
}
