import type { KeyArgument } from "../approvals/key-arguments";
import type { TApprovalState, TToolHints } from "../bridge-api/bridge-api.types";
import type { TEscalateTo } from "../policy/policy.types";

// The typed socket.io event maps shared by the server, the browser and the bridge.

/** A summary row of the reviewers' queue. */
export interface ApprovalSummary {
  id: string;
  status: TApprovalState["status"];
  server: string;
  tool: string;
  bridgeName: string;
  sessionId: string;
  clientName: string | null;
  prompt: string | null;
  heldReason: string;
  ruleName: string | null;
  createdAt: string;
  expiresAt: string;
  /** "result": the call ran and its result waits for release. */
  stage: "call" | "result";
  /** How many detector findings the request carries. */
  findingCount: number;
  /** Which detectors found something, distinct, and the highest severity. */
  findingDetectors: string[];
  findingSeverity: "low" | "medium" | "high" | null;
  /** On whose behalf the agent says it acts (normalised), when it says. */
  principal: string | null;
  /** The principal signed in (the bridge checked their OAuth token), rather than being the agent's claim. */
  principalVerified: boolean;
  bridgeId: string;
  /** The hash of the arguments as the agent proposed them: what an inline approval approves. */
  argumentsHash: string;
  /** The first arguments, paths and recipients first, shortened for one line. */
  keyArguments: KeyArgument[];
  /** The tool's behaviour hints as its server declared them. */
  toolAnnotations: TToolHints | null;
  requiredApprovers: number;
  approverRole: string;
  /** Only members of this group may decide it. */
  approverGroup: string | null;
  /** When the request was escalated (still pending, more people alerted), or null. */
  escalatedAt: string | null;
}

/** A bridge's alert on one session, for reviewers (a burst of calls to tools that do not exist). */
export interface SessionAlert {
  at: string;
  bridgeName: string;
  sessionId: string;
  alert: string;
  /** The last tool name the session asked for. */
  tool: string | null;
}

export interface ServerToClientEvents {
  /** To reviewers: a bridge raised an alert on a session. */
  "alert:created": (alert: SessionAlert) => void;
  /** To reviewers: a call was held. */
  "approval:created": (approval: ApprovalSummary) => void;
  /** To reviewers: an undecided request was escalated (it stays pending). */
  "approval:escalated": (event: { id: string; escalatedAt: string; escalateTo: TEscalateTo | null }) => void;
  /** To reviewers and to the owning bridge: a request left the pending state. */
  "approval:updated": (state: TApprovalState & { outcome?: string | null }) => void;
  /** To a bridge: the policy changed. */
  "policy:changed": () => void;
  /** To bridges: an admin enabled, disabled or re-approved a tool; ask again which tools to expose. */
  "tools:changed": () => void;
  /** To bridges: an admin set or removed an upstream secret; fetch them again (the event carries none). */
  "secrets:changed": () => void;
}

export interface ClientToServerEvents {
  /** A bridge asks for the state of its own requests (after a reconnect). */
  "approval:watch": (ids: string[], ack: (states: TApprovalState[]) => void) => void;
  /** A reviewer decides over the socket (the same rules as POST /api/approvals/{id}/decision). */
  "approval:decide": (payload: unknown, ack: (answer: TSocketDecisionAnswer) => void) => void;
  /** A bridge reports the policy version it now enforces. */
  "bridge:policy": (report: { version: string }) => void;
}

export type TSocketDecisionAnswer =
  | { ok: true; result: { id: string; status: string; edited: boolean; argumentsHash: string; approvals: number; requiredApprovers: number } }
  | { ok: false; error: { code: string; message: string } };

export type InterServerEvents = Record<string, never>;

export interface SocketData {
  kind: "user" | "bridge";
  userId?: string;
  role?: "admin" | "reviewer" | "auditor";
  /** The session version the socket's cookie was issued under (re-checked every minute). */
  sessionVersion?: number;
  bridgeId?: string;
  /** The bridge process behind this socket (its presence keeps its held calls alive). */
  bridgeInstance?: string;
}

export const ROOM_REVIEWERS = "reviewers";
export const ROOM_BRIDGES = "bridges";
export const bridgeRoom = (bridgeId: string) => `bridge:${bridgeId}`;
