// When a failed webhook delivery is tried again: after 5 s, 30 s, 2 min, 10 min and 1 h,
// each ±20 % so that many deliveries failed by one outage do not all come back at once.
// After the last retry fails the delivery is "failed" (an admin may redeliver it).

export const RETRY_DELAYS_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000] as const;
/** The first attempt and one per delay. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const JITTER = 0.2;

/** The wait before the next attempt after `attempts` attempts failed, or null when it is time to give up. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number | null {
  if (attempts < 1 || attempts >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempts - 1];
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}
