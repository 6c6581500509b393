import { createHash, randomBytes } from "node:crypto";
import { redisPrefix } from "./cluster-mode";
import { sharedRedis } from "./redis-connection";

// Rate limits every dashboard instance counts together (cluster mode), so a fleet behind a
// load balancer does not multiply an attacker's budget by its size. Keys carry a hash of
// what they count (an account and an address), never the email itself. While Redis is down
// these throw: sign-in and registration are refused rather than unthrottled.

const keyOf = (kind: string, ...parts: string[]) => `${redisPrefix()}:${kind}:${createHash("sha256").update(parts.join("\u0000")).digest("base64url")}`;

/** One more failure on a throttle key: past `free` failures the next attempt waits `base·2^(n−free−1)` (capped); the key lapses `forgetMs` after its last failure. */
const RECORD_FAILURE = `
local failures = redis.call("HINCRBY", KEYS[1], "failures", 1)
local free, base, cap, now, forget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if failures > free then
  redis.call("HSET", KEYS[1], "retryAt", now + math.min(cap, base * 2 ^ math.min(30, failures - free - 1)))
end
redis.call("PEXPIRE", KEYS[1], forget)
return failures`;

export interface SharedThrottleKey {
  parts: string[];
  free: number;
}

export interface SharedThrottleTiming {
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
}

/** How long (ms) an attempt must still wait, the longest over its keys. */
export async function sharedThrottleDelay(keys: SharedThrottleKey[], now = Date.now()): Promise<number> {
  const redis = sharedRedis();
  let wait = 0;
  for (const { parts } of keys) wait = Math.max(wait, Number((await redis.hGet(keyOf("sign-in", ...parts), "retryAt")) ?? 0) - now);
  return wait;
}

/** Counts a failure against every key. */
export async function recordSharedThrottleFailure(keys: SharedThrottleKey[], timing: SharedThrottleTiming, now = Date.now()): Promise<void> {
  const redis = sharedRedis();
  for (const { parts, free } of keys) {
    await redis.eval(RECORD_FAILURE, {
      keys: [keyOf("sign-in", ...parts)],
      arguments: [free, timing.baseDelayMs, timing.maxDelayMs, now, timing.forgetAfterMs].map(String),
    });
  }
}

/** Forgets one key (a success). */
export async function forgetSharedThrottleKey(parts: string[]): Promise<void> {
  await sharedRedis().del(keyOf("sign-in", ...parts));
}

/** A sliding window: true and counted when fewer than `limit` were counted for `parts` in the last `windowMs`. */
const TAKE_FROM_WINDOW = `
redis.call("ZREMRANGEBYSCORE", KEYS[1], 0, tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call("ZCARD", KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call("ZADD", KEYS[1], ARGV[1], ARGV[4])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1`;

/** Takes one from a per-key budget of `limit` a `windowMs`, counted across the cluster. */
export async function takeSharedWindow({
  kind,
  parts,
  limit,
  windowMs,
  now = Date.now(),
}: {
  kind: string;
  parts: string[];
  limit: number;
  windowMs: number;
  now?: number;
}) {
  const taken = await sharedRedis().eval(TAKE_FROM_WINDOW, {
    keys: [keyOf(kind, ...parts)],
    arguments: [String(now), String(windowMs), String(limit), `${now}-${randomBytes(6).toString("hex")}`],
  });
  return taken === 1;
}
