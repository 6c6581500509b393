import { redisPrefix } from "./cluster-mode";
import { redisReadySince, sharedRedis } from "./redis-connection";

// Bridge presence shared by every dashboard instance (cluster mode). A bridge process
// ("instance") is alive while some dashboard instance holds its socket, or it reached
// any instance over HTTP within the grace period:
// (keys start with AIRLOCK_REDIS_PREFIX, "airlock" by default):
//   airlock:bridge-seen:<instance>    PX grace      refreshed by every request and socket event
//   airlock:bridge-socket:<instance>  PX 15 s       the dashboard instance holding its socket, refreshed every 5 s
//   airlock:bridge-instances:<bridge> sorted set    instance → last heard (ms), for the Bridges page

/** How long a socket's key lives without a refresh: a dashboard instance that died stops vouching within this. */
export const SOCKET_TTL_MS = 15_000;
/** How often an instance refreshes the keys of the sockets it holds. */
export const SOCKET_REFRESH_MS = 5_000;
const REMEMBER_MS = 24 * 3600_000;

const seenKey = (instance: string) => `${redisPrefix()}:bridge-seen:${instance}`;
/** The key naming the dashboard instance that holds a bridge process's socket. */
export const socketKey = (instance: string) => `${redisPrefix()}:bridge-socket:${instance}`;
const instancesKey = (bridgeId: string) => `${redisPrefix()}:bridge-instances:${bridgeId}`;

/** Deletes the socket key only if it is still this dashboard instance's (the bridge may have reconnected elsewhere). */
const DELETE_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/** Records that a bridge process was heard from now. */
export async function touchSharedInstance({
  instance,
  bridgeId,
  graceMs,
  now = Date.now(),
}: {
  instance: string;
  bridgeId?: string;
  graceMs: number;
  now?: number;
}) {
  const redis = sharedRedis();
  const writes: Promise<unknown>[] = [redis.set(seenKey(instance), String(now), { expiration: { type: "PX", value: graceMs } })];
  if (bridgeId) {
    writes.push(redis.zAdd(instancesKey(bridgeId), { score: now, value: instance }));
    writes.push(redis.pExpire(instancesKey(bridgeId), REMEMBER_MS));
  }
  await Promise.all(writes);
}

/** This dashboard instance holds the bridge process's socket (set at connect, refreshed while open). */
export async function holdSharedSocket({ instance, nodeId }: { instance: string; nodeId: string }) {
  await sharedRedis().set(socketKey(instance), nodeId, { expiration: { type: "PX", value: SOCKET_TTL_MS } });
}

/** The socket closed here: this instance stops vouching for the bridge process (unless it reconnected elsewhere). */
export async function releaseSharedSocket({ instance, nodeId }: { instance: string; nodeId: string }) {
  await sharedRedis().eval(DELETE_IF_MINE, { keys: [socketKey(instance)], arguments: [nodeId] });
}

/**
 * Whether a bridge process is gone: no socket on any instance and not heard from within the
 * grace period. Throws while Redis is down (fail closed: nobody expires or approves on a guess),
 * and right after Redis (re)connected nobody is gone yet: its keys may have been lost with it.
 */
export async function isSharedInstanceGone({ instance, graceMs, now = Date.now() }: { instance: string; graceMs: number; now?: number }): Promise<boolean> {
  const redis = sharedRedis();
  if (now - (redisReadySince() ?? now) <= graceMs) return false;
  return (await redis.exists([socketKey(instance), seenKey(instance)])) === 0;
}

/** Whether some dashboard instance holds the bridge process's socket now. */
export async function isSharedInstanceConnected(instance: string): Promise<boolean> {
  return (await sharedRedis().exists(socketKey(instance))) === 1;
}

/** A bridge's instances as the whole cluster knows them: connected, alive, last heard. */
export async function sharedBridgePresence({ bridgeId, graceMs, now = Date.now() }: { bridgeId: string; graceMs: number; now?: number }) {
  const redis = sharedRedis();
  await redis.zRemRangeByScore(instancesKey(bridgeId), 0, now - REMEMBER_MS);
  const heard = await redis.zRangeByScoreWithScores(instancesKey(bridgeId), now - REMEMBER_MS, "+inf");
  let connected = 0;
  let alive = 0;
  let lastHeardAt: number | null = null;
  for (const { value: instance, score } of heard) {
    lastHeardAt = Math.max(lastHeardAt ?? 0, score);
    const hasSocket = (await redis.exists(socketKey(instance))) === 1;
    if (hasSocket) connected++;
    if (hasSocket || now - score <= graceMs) alive++;
  }
  return { connected, alive, lastHeardAt };
}
