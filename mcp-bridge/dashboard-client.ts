import { io, type Socket } from "socket.io-client";
import type { ZodType } from "zod";
import {
  ZApprovalState,
  type TApprovalResult,
  type TApprovalState,
  type TBridgeAuditEvent,
  type TCreateApproval,
} from "../lib/bridge-api/bridge-api.types";
import { ZPolicy, type TPolicy } from "../lib/policy/policy.types";
import type { ClientToServerEvents, ServerToClientEvents } from "../lib/realtime/events";
import { z } from "zod";

const REQUEST_TIMEOUT_MS = 10_000;

export class DashboardError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const ZPolicyResponse = z.object({ bridge: z.object({ id: z.string(), name: z.string() }), policy: ZPolicy });

/**
 * Talks to the dashboard with the bridge token: REST for requests and reports,
 * socket.io for pushes. Every response is validated; anything unexpected is an error.
 */
export class DashboardClient {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.socket = io(baseUrl, { auth: { token }, transports: ["websocket"], reconnectionDelayMax: 5000, autoConnect: false });
  }

  private async request<T>(path: string, schema: ZodType<T> | null, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
    const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...(init.signal ? [init.signal] : [])];
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.any(signals),
      });
    } catch (error) {
      throw new DashboardError(`the Airlock dashboard at ${this.baseUrl} cannot be reached (${(error as Error).message})`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new DashboardError(`the dashboard answered ${res.status} with a body that is not JSON`, res.status);
    }
    if (!res.ok) {
      const message = (json as { error?: { message?: string } })?.error?.message ?? `HTTP ${res.status}`;
      throw new DashboardError(`the dashboard refused ${path}: ${message}`, res.status);
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new DashboardError(`the dashboard's answer to ${path} is malformed`, res.status);
    return parsed.data;
  }

  fetchPolicy(): Promise<{ bridge: { id: string; name: string }; policy: TPolicy }> {
    return this.request("/api/bridge/policy", ZPolicyResponse);
  }

  createApproval(input: TCreateApproval): Promise<TApprovalState> {
    return this.request("/api/bridge/approvals", ZApprovalState, { body: input });
  }

  getApproval(id: string, signal?: AbortSignal): Promise<TApprovalState> {
    return this.request(`/api/bridge/approvals/${encodeURIComponent(id)}`, ZApprovalState, { signal });
  }

  reportResult(id: string, result: TApprovalResult): Promise<void> {
    return this.request(`/api/bridge/approvals/${encodeURIComponent(id)}/result`, null, { body: result });
  }

  sendAudit(events: TBridgeAuditEvent[]): Promise<void> {
    return this.request("/api/bridge/audit", null, { body: { events } });
  }

  close(): void {
    this.socket.close();
  }
}
