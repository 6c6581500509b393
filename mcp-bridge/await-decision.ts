import type { TApprovalState } from "../lib/bridge-api/bridge-api.types";
import type { DashboardClient } from "./dashboard-client";

/** How often and how long the bridge waits; tests shorten these. */
export interface WaitTiming {
  /** Polling interval, the fallback that survives a dropped socket. */
  pollMs: number;
  /** Interval of "still waiting" progress notifications. */
  progressMs: number;
  /** Waiting past expiresAt, for a dashboard whose expiry runs a little late. */
  graceMs: number;
}

export const DEFAULT_TIMING: WaitTiming = { pollMs: 2_000, progressMs: 5_000, graceMs: 5_000 };

export interface AwaitDecisionOptions {
  dashboard: DashboardClient;
  /** The request as created (it may already be decided). */
  approval: TApprovalState;
  /** Used when the dashboard's expiresAt cannot be read. */
  timeoutSeconds: number;
  signal: AbortSignal;
  timing?: WaitTiming;
  /** Called every few seconds while waiting (progress notifications keep clients from timing out). */
  onWaiting?: (elapsedMs: number) => void;
  /** The socket's connection number when the request was sent (DashboardClient.connectionEpoch). */
  epochAtCreation?: number | null;
}

export type TDecisionOutcome =
  | { status: "approved" | "rejected" | "expired" | "withdrawn"; state: TApprovalState }
  | { status: "cancelled" }
  | { status: "unreachable"; message: string };

/**
 * Waits for a request to leave `pending`. The socket push usually arrives first;
 * one immediate poll covers a decision pushed before the bridge listened;
 * polling is the fallback that survives a dropped socket, and after a reconnect
 * the bridge asks for the state of its request. Whichever reports first wins and
 * the promise settles exactly once; later reports are ignored. Never rejects.
 */
export function awaitDecision({
  dashboard,
  approval,
  timeoutSeconds,
  signal,
  timing = DEFAULT_TIMING,
  onWaiting,
  epochAtCreation,
}: AwaitDecisionOptions): Promise<TDecisionOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const expiresAt = Date.parse(approval.expiresAt);
    const deadline = (Number.isFinite(expiresAt) ? expiresAt : started + timeoutSeconds * 1000) + timing.graceMs;
    let isSettled = false;
    let lastError: Error | null = null;
    let pollTimer: NodeJS.Timeout | undefined;
    const stop = new AbortController();

    const settle = (outcome: TDecisionOutcome) => {
      if (isSettled) return;
      isSettled = true;
      stop.abort();
      clearTimeout(pollTimer);
      clearInterval(progress);
      unsubscribe();
      dashboard.socket.off("connect", onReconnect);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const consider = (state: TApprovalState) => {
      if (state.id !== approval.id || state.status === "pending") return;
      settle({ status: state.status, state });
    };
    const onAbort = () => settle({ status: "cancelled" });
    const onReconnect = () => {
      dashboard.watchApprovals([approval.id]).then(
        (states) => states.forEach(consider),
        () => undefined, // polling covers it
      );
    };

    // A chain of timeouts, not an interval: a slow answer must not pile up requests.
    const poll = async () => {
      try {
        consider(await dashboard.getApproval(approval.id, stop.signal));
        lastError = null;
      } catch (error) {
        // Blips are ridden out; only at the deadline does an absent dashboard fail the call.
        lastError = error as Error;
      }
      if (isSettled) return;
      if (Date.now() > deadline) {
        return settle(lastError ? { status: "unreachable", message: lastError.message } : { status: "expired", state: { ...approval, status: "expired" } });
      }
      pollTimer = setTimeout(poll, timing.pollMs);
    };

    const unsubscribe = dashboard.onApprovalUpdated(consider);
    dashboard.socket.on("connect", onReconnect);
    signal.addEventListener("abort", onAbort, { once: true });
    const progress = setInterval(() => onWaiting?.(Date.now() - started), timing.progressMs);
    if (signal.aborted) onAbort();
    consider(approval);
    if (isSettled) return;
    // A decision made before this subscription (a fast reviewer, or an automated
    // one) reached the client's cache of recent pushes, if the socket stayed up
    // since the request was sent; otherwise it was pushed to nobody: ask once
    // right away (over the socket when it is up, which skips an HTTP round trip
    // through the dashboard), then keep polling.
    const pushed = dashboard.recentDecision?.(approval.id);
    if (pushed) consider(pushed);
    if (isSettled) return;
    const isConnectedThroughout = epochAtCreation != null && epochAtCreation === dashboard.connectionEpoch;
    if (isConnectedThroughout) {
      pollTimer = setTimeout(poll, timing.pollMs);
    } else if (dashboard.socket.connected) {
      onReconnect();
      pollTimer = setTimeout(poll, timing.pollMs);
    } else {
      pollTimer = setTimeout(poll, 0);
    }
  });
}
