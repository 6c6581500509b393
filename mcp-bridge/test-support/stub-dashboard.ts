// A stand-in for the Airlock dashboard that speaks the bridge contract
// (lib/bridge-api/bridge-api.types.ts, lib/realtime/events.ts) over real HTTP and
// socket.io, validates what the bridge sends, and lets a test decide requests.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as SocketServer } from "socket.io";
import type { ZodType } from "zod";
import {
  ZApprovalResult,
  ZBridgeAuditBatch,
  ZCreateApproval,
  type TApprovalResult,
  type TApprovalState,
  type TBridgeAuditEvent,
  type TCreateApproval,
} from "../../lib/bridge-api/bridge-api.types";
import { ZPolicy, type TPolicy, type TPolicyInput } from "../../lib/policy/policy.types";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "../../lib/realtime/events";

export interface StubApproval {
  request: TCreateApproval;
  state: TApprovalState;
  results: TApprovalResult[];
}

export interface StubDashboard {
  url: string;
  token: string;
  approvals: Map<string, StubApproval>;
  audit: TBridgeAuditEvent[];
  /** Every request the bridge made, as `METHOD /path`. */
  requests: string[];
  /** Bodies the bridge sent that break the contract (a test asserts this stays empty). */
  contractViolations: string[];
  /** Answers every HTTP request with 503 while true. */
  isDown: boolean;
  setPolicy(policy: TPolicyInput): void;
  /** Resolves with the next (or an existing undecided) approval request. */
  nextApproval(): Promise<StubApproval>;
  /** Decides a request: visible to polling at once, and pushed `pushes` times over the socket. */
  decide(id: string, patch: Partial<TApprovalState>, options?: { pushes?: number }): void;
  /** Drops every bridge socket and refuses new ones, so only polling can learn decisions. */
  dropSockets(): void;
  socketCount(): number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: unknown) {
  res.writeHead(status, { "content-type": "application/json" }).end(body === undefined ? "" : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : undefined;
}

export async function startStubDashboard(options: { policy?: TPolicyInput; timeoutSeconds?: number } = {}): Promise<StubDashboard> {
  const token = `alk_brg_${randomUUID()}`;
  let policy: TPolicy = ZPolicy.parse(options.policy ?? { default: "allow", rules: [] });
  let isSocketRefused = false;
  const waiters: ((a: StubApproval) => void)[] = [];
  const taken = new Set<string>();

  const stub: StubDashboard = {
    url: "",
    token,
    approvals: new Map(),
    audit: [],
    requests: [],
    contractViolations: [],
    isDown: false,
    setPolicy(next) {
      policy = ZPolicy.parse(next);
      io.emit("policy:changed");
    },
    nextApproval() {
      const open = [...stub.approvals.entries()].find(([id]) => !taken.has(id));
      if (open) {
        taken.add(open[0]);
        return Promise.resolve(open[1]);
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    decide(id, patch, { pushes = 1 } = {}) {
      const approval = stub.approvals.get(id);
      if (!approval) throw new Error(`no approval ${id}`);
      approval.state = { ...approval.state, ...patch };
      for (let i = 0; i < pushes; i++) io.emit("approval:updated", approval.state);
    },
    dropSockets() {
      isSocketRefused = true;
      io.disconnectSockets(true);
    },
    socketCount: () => io.of("/").sockets.size,
    close: async () => {
      io.disconnectSockets(true);
      http.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };

  const parse = <T>(schema: ZodType<T>, body: unknown, what: string): T | null => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    stub.contractViolations.push(`${what}: ${JSON.stringify(parsed.error.issues)}`);
    return null;
  };

  const http = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://stub").pathname;
    if (path.startsWith("/socket.io")) return; // socket.io's own handler answers these
    stub.requests.push(`${req.method} ${path}`);
    if (stub.isDown) return send(res, 503, { error: { code: "unavailable", message: "down for a test" } });
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: { code: "unauthorized", message: "bad token" } });
    const body = req.method === "POST" ? await readJson(req) : undefined;

    if (req.method === "GET" && path === "/api/bridge/policy") return send(res, 200, { bridge: { id: "b1", name: "stub-bridge" }, policy });
    if (req.method === "POST" && path === "/api/bridge/audit") {
      const batch = parse(ZBridgeAuditBatch, body, "audit batch");
      if (!batch) return send(res, 422, { error: { code: "invalid", message: "bad audit batch" } });
      stub.audit.push(...batch.events);
      return send(res, 202, { accepted: batch.events.length });
    }
    if (req.method === "POST" && path === "/api/bridge/approvals") {
      const request = parse(ZCreateApproval, body, "create approval");
      if (!request) return send(res, 422, { error: { code: "invalid", message: "bad approval request" } });
      const id = randomUUID();
      const expiresAt = new Date(Date.now() + (options.timeoutSeconds ?? request.timeoutSeconds) * 1000).toISOString();
      const approval: StubApproval = { request, state: { id, status: "pending", expiresAt }, results: [] };
      stub.approvals.set(id, approval);
      const waiter = waiters.shift();
      if (waiter) {
        taken.add(id);
        waiter(approval);
      }
      return send(res, 201, approval.state);
    }
    const match = path.match(/^\/api\/bridge\/approvals\/([^/]+)(\/result)?$/);
    const approval = match ? stub.approvals.get(decodeURIComponent(match[1])) : undefined;
    if (match && !approval) return send(res, 404, { error: { code: "not_found", message: "no such approval" } });
    if (approval && req.method === "GET" && !match![2]) return send(res, 200, approval.state);
    if (approval && req.method === "POST" && match![2]) {
      const result = parse(ZApprovalResult, body, "approval result");
      if (!result) return send(res, 422, { error: { code: "invalid", message: "bad result" } });
      approval.results.push(result);
      if (result.outcome === "withdrawn") approval.state = { ...approval.state, status: "withdrawn" };
      return send(res, 200, { ok: true });
    }
    send(res, 404, { error: { code: "not_found", message: `no route ${req.method} ${path}` } });
  });

  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>(http);
  io.use((socket, next) => {
    const presented = (socket.handshake.auth as { token?: unknown }).token;
    if (isSocketRefused || presented !== token) return next(new Error("unauthorized"));
    socket.data = { kind: "bridge", bridgeId: "b1" };
    next();
  });
  io.on("connection", (socket) => {
    socket.on("approval:watch", (ids, ack) => ack(ids.flatMap((id) => stub.approvals.get(id)?.state ?? [])));
  });

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  stub.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return stub;
}
