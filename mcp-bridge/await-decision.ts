import type { TApprovalState } from "../lib/bridge-api/bridge-api.types";
import type { DashboardClient } from "./dashboard-client";

const POLL_MS = 2000;
const PROGRESS_MS = 5000;
const GRACE_MS = 5000;

export interface AwaitDecisionOptions {
  dashboard: DashboardClient;
  approval: TApprovalState;
  signal: AbortSignal;
  /** Called every few seconds while waiting (progress notifications keep clients from timing out). */
  onWaiting?: (elapsedMs: number) => void;
}

export type TDecisionOutcome = TApprovalState | { status: "cancelled" } | { status: "unreachable"; message: string };

/**
 * Waits for a request to leave `pending`: the socket push usually arrives
 * first; polling every 2 s is the fallback that survives a dropped socket.
 * Whichever reports first wins; the rest is ignored.
 */
export function awaitDecision({ dashboard, approval, signal, onWaiting }: AwaitDecisionOptions): Promise<TDecisionOutcome> {
  return new Promise((resolve) => {
    const started = Date.now();
    const deadline = Date.parse(approval.expiresAt) + GRACE_MS;
    let isSettled = false;
    let lastError: Error | null = null;
    const stop = new AbortController();

    const settle = (outcome: TDecisionOutcome) => {
      if (isSettled) return;
      isSettled = true;
      stop.abort();
      clearInterval(poller);
      clearInterval(progress);
      dashboard.socket.off("approval:updated", onPush);
      signal.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const consider = (state: TApprovalState) => {
      if (state.id === approval.id && state.status !== "pending") settle(state);
    };
    const onPush = (state: TApprovalState) => consider(state);
    const onAbort = () => settle({ status: "cancelled" });

    const poll = async () => {
      try {
        consider(await dashboard.getApproval(approval.id, stop.signal));
        lastError = null;
      } catch (error) {
        // Keep trying through blips; only at the deadline does an absent dashboard fail the call.
        lastError = error as Error;
      }
      if (!isSettled && Date.now() > deadline) {
        settle(lastError ? { status: "unreachable", message: lastError.message } : { ...approval, status: "expired" });
      }
    };

    dashboard.socket.on("approval:updated", onPush);
    signal.addEventListener("abort", onAbort, { once: true });
    const poller = setInterval(poll, POLL_MS);
    const progress = setInterval(() => onWaiting?.(Date.now() - started), PROGRESS_MS);
    if (signal.aborted) onAbort();
  });
}
