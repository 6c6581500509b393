import { setTimeout as wait } from "node:timers/promises";
import type { TApprovalState, TCreateApproval } from "../lib/bridge-api/bridge-api.types";
import { type DashboardClient, DashboardError } from "./dashboard-client";

/** Waits between attempts to create a request; the last one repeats until the deadline. */
export const CREATE_RETRY_MS = [250, 500, 1_000, 2_000, 4_000, 5_000] as const;

/** How long a held call keeps trying to reach the dashboard before it fails closed (AIRLOCK_CREATE_RETRY_SECONDS). */
export function createRetryWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.AIRLOCK_CREATE_RETRY_SECONDS ?? 30);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 30_000;
}

export interface CreateWithRetryOptions {
  dashboard: Pick<DashboardClient, "createApproval">;
  /** Carries an idempotency key: every attempt creates (or finds) the same request. */
  request: TCreateApproval;
  /** The client cancelled: stop trying. */
  signal: AbortSignal;
  /** Give up after this long. */
  windowMs: number;
  onRetry?: (error: DashboardError, attempt: number, delayMs: number) => void;
}

/**
 * Creates the approval request, retrying with the same idempotency key while
 * the dashboard is unreachable or overloaded (a timeout, a 5xx, a 429). A slow
 * answer is not a lost request: the retry returns the request the first
 * attempt created. A refusal (4xx) is final. Throws the last error when the
 * window closes or the client cancels; the caller then withdraws by key.
 */
export async function createApprovalWithRetry({ dashboard, request, signal, windowMs, onRetry }: CreateWithRetryOptions): Promise<TApprovalState> {
  const deadline = Date.now() + windowMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await dashboard.createApproval(request);
    } catch (error) {
      const delay = CREATE_RETRY_MS[Math.min(attempt, CREATE_RETRY_MS.length - 1)];
      const isTransient = error instanceof DashboardError && error.isTransient;
      if (!isTransient || signal.aborted || Date.now() + delay > deadline) throw error;
      onRetry?.(error, attempt + 1, delay);
      // Node's abortable timer: a client that cancels while we wait stops the retries at once.
      const isCancelled = await wait(delay, false, { signal }).catch(() => true);
      if (isCancelled) throw error;
    }
  }
}
