import { isClusterMode } from "../cluster/cluster-mode";
import { forgetSharedThrottleKey, recordSharedThrottleFailure, sharedThrottleDelay } from "../cluster/shared-rate-limits";

/**
 * Slows password guessing without handing an attacker a way to lock the owner out.
 *
 * Failures are counted per (account, client address) and per client address, never
 * per account alone: an attacker's wrong passwords from one address delay only
 * attempts from that address, and the owner signs in from theirs. After a few free
 * failures each further one doubles the wait before the next attempt from that key
 * (1 s, 2 s, 4 s … up to 15 minutes). A key is forgotten an hour after its last failure.
 *
 * A success clears its (account, address) key but not the address's own count, or an
 * attacker could reset their address by signing in to an account of their own.
 *
 * In memory, per process, for one dashboard; in cluster mode (REDIS_URL) the same counts
 * are kept in Redis for every instance (the `throttle…` functions below choose).
 */
export const FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
export const FREE_FAILURES_PER_ADDRESS = 20;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_TRACKED = 10_000;

/** One sign-in attempt: the account it names and the client address it came from. */
export interface SignInAttempt {
  email: string;
  address: string;
}

interface Entry {
  failures: number;
  lastFailureAt: number;
  retryAt: number;
}

const entries = new Map<string, Entry>();

function keysOf({ email, address }: SignInAttempt): [string, number][] {
  return [
    [`pair\u0000${email}\u0000${address}`, FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS],
    [`addr\u0000${address}`, FREE_FAILURES_PER_ADDRESS],
  ];
}

function current(key: string, now: number): Entry | undefined {
  const entry = entries.get(key);
  if (entry && now - entry.lastFailureAt > FORGET_AFTER_MS) {
    entries.delete(key);
    return undefined;
  }
  return entry;
}

/** How long (ms) this attempt must still wait; 0 when it may be checked now. */
export function signInDelay(attempt: SignInAttempt, now = Date.now()): number {
  let wait = 0;
  for (const [key] of keysOf(attempt)) wait = Math.max(wait, (current(key, now)?.retryAt ?? 0) - now);
  return wait;
}

/** Counts a wrong password (or unknown account) against both keys. */
export function recordSignInFailure(attempt: SignInAttempt, now = Date.now()): void {
  for (const [key, free] of keysOf(attempt)) {
    const entry = current(key, now) ?? { failures: 0, lastFailureAt: now, retryAt: 0 };
    entry.failures += 1;
    entry.lastFailureAt = now;
    if (entry.failures > free) entry.retryAt = now + Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(30, entry.failures - free - 1));
    // Re-inserted so the Map's order is least recently failed first: the one evicted when full.
    entries.delete(key);
    if (entries.size >= MAX_TRACKED) entries.delete(entries.keys().next().value!);
    entries.set(key, entry);
  }
}

/** The right password: this account from this address starts afresh. */
export function recordSignInSuccess(attempt: SignInAttempt): void {
  entries.delete(keysOf(attempt)[0][0]);
}

const TIMING = { baseDelayMs: BASE_DELAY_MS, maxDelayMs: MAX_DELAY_MS, forgetAfterMs: FORGET_AFTER_MS };
const sharedKeysOf = (attempt: SignInAttempt) => keysOf(attempt).map(([key, free]) => ({ parts: [key], free }));

/** signInDelay, counted across the cluster in cluster mode. */
export async function throttleDelay(attempt: SignInAttempt): Promise<number> {
  return isClusterMode() ? sharedThrottleDelay(sharedKeysOf(attempt)) : signInDelay(attempt);
}

/** recordSignInFailure, counted across the cluster in cluster mode. */
export async function throttleFailure(attempt: SignInAttempt): Promise<void> {
  if (isClusterMode()) await recordSharedThrottleFailure(sharedKeysOf(attempt), TIMING);
  else recordSignInFailure(attempt);
}

/** recordSignInSuccess, counted across the cluster in cluster mode. */
export async function throttleSuccess(attempt: SignInAttempt): Promise<void> {
  if (isClusterMode()) await forgetSharedThrottleKey([keysOf(attempt)[0][0]]);
  else recordSignInSuccess(attempt);
}
