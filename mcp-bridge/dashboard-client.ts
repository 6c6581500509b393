import { randomUUID } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import { type ZodType, z } from "zod";
import {
  BRIDGE_INSTANCE_HEADER,
  type TApprovalResult,
  type TApprovalState,
  type TBridgeAuditEvent,
  type TCreateApproval,
  type TToolReport,
  type TToolVerdict,
  ZApprovalState,
  ZToolVerdicts,
} from "../lib/bridge-api/bridge-api.types";
import { type TGrantKeyAccepted, type TGrantKeyRegistration, ZGrantKeyAccepted } from "../lib/grants/grant.types";
import { type TPolicy, ZPolicy } from "../lib/policy/policy.types";
import type { ClientToServerEvents, ServerToClientEvents } from "../lib/realtime/events";
import { type TBridgeSecrets, ZBridgeSecrets } from "../lib/upstream-secrets/upstream-secrets.types";
import { log, logDebug } from "./log";
import { outgoingHeaders } from "./outgoing-headers";

const REQUEST_TIMEOUT_MS = 10_000;
const WATCH_TIMEOUT_MS = 5_000;
/** Delays between attempts to report a result; a report decides the approval's record, so it is retried. */
const REPORT_RETRY_MS = [1_000, 3_000, 7_000, 15_000];

export class DashboardError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** When the dashboard was not reached: the network's reason (refused, timed out, unknown host). */
    readonly detail?: string,
  ) {
    super(message);
  }

  /** Worth another attempt: the dashboard was not reached, or failed on its side. */
  get isTransient(): boolean {
    return this.status === undefined || this.status >= 500 || this.status === 408 || this.status === 429;
  }
}

export const ZPolicyResponse = z.object({ bridge: z.object({ id: z.string(), name: z.string() }), policy: ZPolicy });
export type TPolicyResponse = { bridge: { id: string; name: string }; policy: TPolicy };

/**
 * Talks to the dashboard with the bridge token: REST for requests and reports,
 * socket.io for pushes. Every answer and every push is validated; anything
 * unexpected is an error, which callers treat as "no decision" (fail closed).
 */
export class DashboardClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** This process, as the dashboard knows it: while it is alive its held calls may be approved. */
  readonly instanceId = randomUUID();
  private readonly reports = new Set<Promise<void>>();
  /** Requests this process is waiting on: withdrawn at shutdown, so no reviewer approves a call nobody will run. */
  private readonly holding = new Set<string>();
  /** Decisions pushed in the last minute, by request id: one pushed before its hold started listening is found here. */
  private readonly recent = new Map<string, { state: TApprovalState; at: number }>();
  /** Counts the socket's connections: the same number before and after a creation means no push was lost in between. */
  private epoch = 0;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {
    // The URL's path is where the dashboard is mounted, not a socket.io namespace.
    const url = new URL(baseUrl);
    this.socket = io(url.origin, {
      path: `${url.pathname.replace(/\/+$/, "")}/socket.io`,
      auth: { token, instance: this.instanceId },
      transports: ["websocket"],
      reconnectionDelayMax: 5_000,
      autoConnect: false,
    });
    this.socket.on("connect", () => void this.epoch++);
    this.onApprovalUpdated((state) => {
      if (state.status === "pending") return;
      const now = Date.now();
      this.recent.set(state.id, { state, at: now });
      // Bounded: entries older than a minute, or beyond the newest 2,000, are dropped.
      for (const [id, entry] of this.recent) {
        if (this.recent.size <= 2_000 && now - entry.at < 60_000) break;
        this.recent.delete(id);
      }
    });
  }

  /** The connection number while the socket is up, else null (see `epoch`). */
  get connectionEpoch(): number | null {
    return this.socket.connected ? this.epoch : null;
  }

  /** A decision on this request pushed in the last minute, if any. */
  recentDecision(approvalId: string): TApprovalState | undefined {
    return this.recent.get(approvalId)?.state;
  }

  private async request<T>(path: string, schema: ZodType<T> | null, init: { body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(init.signal ? [init.signal] : [])];
    let res: Response;
    let text: string;
    const observed = outgoingHeaders();
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method: init.body === undefined ? "GET" : "POST",
        headers: {
          authorization: `Bearer ${this.token}`,
          "content-type": "application/json",
          accept: "application/json",
          [BRIDGE_INSTANCE_HEADER]: this.instanceId,
          ...observed,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.any(signals),
        // A redirect would carry the token somewhere the operator did not configure.
        redirect: "error",
      });
      text = await res.text();
      logDebug("dashboard request", { requestId: observed["x-request-id"], path, status: res.status });
    } catch (error) {
      // fetch says only "fetch failed"; the reason an operator can act on (ECONNREFUSED, ENOTFOUND) is its cause.
      const cause = (error as Error & { cause?: unknown }).cause;
      const reason = cause instanceof Error ? cause.message : (error as Error).message;
      throw new DashboardError(`the Airlock dashboard cannot be reached at ${this.baseUrl} (${reason})`, undefined, reason);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new DashboardError(`the Airlock dashboard answered ${path} with HTTP ${res.status} and a body that is not JSON`, res.status);
    }
    if (!res.ok) {
      const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
      throw new DashboardError(`the Airlock dashboard refused ${path} (HTTP ${res.status}${typeof message === "string" ? `: ${message}` : ""})`, res.status);
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DashboardError(`the Airlock dashboard's answer to ${path} is malformed (${parsed.error.issues[0]?.message})`, res.status);
    return parsed.data;
  }

  fetchPolicy(): Promise<TPolicyResponse> {
    return this.request("/api/bridge/policy", ZPolicyResponse);
  }

  /** Tells the dashboard the URL of this bridge's OAuth-protected MCP endpoint: the audience of the tokens it may issue for it. */
  reportResource(resourceUrl: string): Promise<void> {
    return this.request("/api/bridge/resource", null, { body: { resourceUrl } });
  }

  /** The credentials this bridge hands to its upstreams (kept in memory only, never logged). */
  fetchSecrets(): Promise<TBridgeSecrets> {
    return this.request("/api/bridge/secrets", ZBridgeSecrets);
  }

  createApproval(input: TCreateApproval): Promise<TApprovalState> {
    return this.request("/api/bridge/approvals", ZApprovalState, { body: input });
  }

  /**
   * Withdraws, in the background and with retries, the request made with this
   * idempotency key if the dashboard created it (the bridge gave up on the
   * creation). Nothing to withdraw (404) is success.
   */
  withdrawByKeyInBackground(idempotencyKey: string): void {
    let notFound = 0;
    this.inBackground(`withdraw the request with key ${idempotencyKey}`, async () => {
      try {
        await this.request("/api/bridge/approvals/withdraw", null, { body: { idempotencyKey } });
      } catch (error) {
        if (!(error instanceof DashboardError && error.status === 404)) throw error;
        // A creation still in progress on the dashboard may land after the first answer: ask once more.
        if (++notFound < 2) throw new DashboardError("no request with this key yet");
      }
    });
  }

  getApproval(id: string, signal?: AbortSignal): Promise<TApprovalState> {
    return this.request(`/api/bridge/approvals/${encodeURIComponent(id)}`, ZApprovalState, { signal });
  }

  reportResult(id: string, result: TApprovalResult): Promise<void> {
    return this.request(`/api/bridge/approvals/${encodeURIComponent(id)}/result`, null, { body: result });
  }

  /**
   * Reports a result without holding up the agent's answer, retrying while the
   * dashboard is unreachable; `drain()` waits for these at shutdown.
   */
  reportResultInBackground(id: string, result: TApprovalResult): void {
    this.inBackground(`report the ${result.outcome} result of approval ${id}`, () => this.reportResult(id, result));
  }

  /** Runs a report to the dashboard off the agent's path, retrying while the dashboard is unreachable; `drain()` waits for these. */
  private inBackground(what: string, send: () => Promise<void>): void {
    const attempt = async () => {
      for (let i = 0; ; i++) {
        try {
          return await send();
        } catch (error) {
          const isLast = i >= REPORT_RETRY_MS.length || !(error instanceof DashboardError && error.isTransient);
          if (isLast) return log(`could not ${what}`, error);
          await new Promise((resolve) => setTimeout(resolve, REPORT_RETRY_MS[i]));
        }
      }
    };
    const report = attempt();
    this.reports.add(report);
    void report.finally(() => this.reports.delete(report));
  }

  /** Reports the tools one upstream lists; the answer says which the bridge may expose. */
  async reportTools(report: TToolReport): Promise<TToolVerdict[]> {
    return (await this.request("/api/bridge/tools", ZToolVerdicts, { body: report })).tools;
  }

  /** Registers the public half of a new grant-signing key; the bridge signs with it only once this resolved. */
  registerGrantKey(registration: TGrantKeyRegistration): Promise<TGrantKeyAccepted> {
    return this.request("/api/bridge/grant-keys", ZGrantKeyAccepted, { body: registration });
  }

  sendAudit(events: TBridgeAuditEvent[]): Promise<void> {
    return this.request("/api/bridge/audit", null, { body: { events } });
  }

  /** Subscribes to decisions pushed over the socket; malformed pushes are ignored. Returns the unsubscribe. */
  onApprovalUpdated(listener: (state: TApprovalState) => void): () => void {
    const handler = (payload: unknown) => {
      const parsed = ZApprovalState.safeParse(payload);
      if (parsed.success) listener(parsed.data);
      else log("ignored a malformed approval:updated push");
    };
    this.socket.on("approval:updated", handler);
    return () => void this.socket.off("approval:updated", handler);
  }

  /** Asks for the current state of some requests over the socket (after a reconnect, pushes may have been missed). */
  async watchApprovals(ids: string[]): Promise<TApprovalState[]> {
    const states = await this.socket.timeout(WATCH_TIMEOUT_MS).emitWithAck("approval:watch", ids);
    const parsed = z.array(ZApprovalState).safeParse(states);
    if (!parsed.success) throw new DashboardError("the Airlock dashboard's answer to approval:watch is malformed");
    return parsed.data;
  }

  /** Marks a request as waited on by this process until the returned function is called. */
  trackHold(approvalId: string): () => void {
    this.holding.add(approvalId);
    return () => void this.holding.delete(approvalId);
  }

  /** Withdraws the requests still held (the process is ending), then waits (bounded) for background reports still in flight. */
  async drain(timeoutMs = 5_000): Promise<void> {
    for (const id of this.holding) this.reportResultInBackground(id, { outcome: "withdrawn" });
    this.holding.clear();
    if (!this.reports.size) return;
    await Promise.race([Promise.allSettled([...this.reports]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }

  close(): void {
    this.socket.close();
  }
}
