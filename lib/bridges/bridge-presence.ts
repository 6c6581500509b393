import { clusterNodeId, isClusterMode } from "../cluster/cluster-mode";
import {
  holdSharedSocket,
  isSharedInstanceConnected,
  isSharedInstanceGone,
  releaseSharedSocket,
  sharedBridgePresence,
  touchSharedInstance,
} from "../cluster/shared-presence";
import { dashboardLog } from "../observability/dashboard-log";

// Which bridge processes are alive. A held call waits in one bridge process
// (its "instance"); once that process is gone nobody can run the call, so its
// request must not be approved, and it expires as "bridge gone".
//
// A process is alive while it has a socket open, or it reached the dashboard
// over HTTP within the grace period (a bridge whose socket cannot connect polls
// every two seconds). Kept in memory on globalThis: the custom server and Next's
// route bundles share it in one process. In cluster mode (REDIS_URL) every instance
// also writes it to Redis, and the answers come from there (lib/cluster/shared-presence.ts),
// so no instance expires a call whose bridge holds a socket on another.

/** How long a bridge may stay unheard-of before its held calls are abandoned. */
export const BRIDGE_GRACE_MS = graceMs(process.env.AIRLOCK_BRIDGE_GRACE_SECONDS);

/** A value that is not a positive number of seconds falls back to 30 s: NaN would silently stop bridge-gone expiry. */
export function graceMs(value: string | undefined): number {
  const seconds = Number(value ?? 30);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  dashboardLog().warn(`AIRLOCK_BRIDGE_GRACE_SECONDS=${value} is not a positive number of seconds; using 30`);
  return 30_000;
}

interface Presence {
  startedAt: number;
  sockets: Map<string, number>;
  lastSeen: Map<string, number>;
  /** Per bridge (token): its instances heard of, for the Bridges page. */
  instancesOf?: Map<string, Set<string>>;
}

const globalForPresence = globalThis as unknown as { __airlockPresence?: Presence };
globalForPresence.__airlockPresence ??= { startedAt: Date.now(), sockets: new Map(), lastSeen: new Map() };
const presence: Presence = globalForPresence.__airlockPresence;
presence.instancesOf ??= new Map();
const instancesOf = presence.instancesOf;

/** A bridge instance id, as bridges send it: anything else is ignored. */
export function parseInstance(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(value) ? value : null;
}

/** A shared write that failed (Redis down) is not retried: the next touch or refresh writes again, and readers fail closed meanwhile. */
function shared(write: () => Promise<unknown>): void {
  if (!isClusterMode()) return;
  try {
    write().catch(() => undefined);
  } catch {
    // Redis is down: see above.
  }
}

export function touchBridgeInstance(instance: string | null, now = Date.now(), bridgeId?: string): void {
  if (!instance) return;
  shared(() => touchSharedInstance({ instance, bridgeId, graceMs: BRIDGE_GRACE_MS, now }));
  presence.lastSeen.set(instance, now);
  if (bridgeId) {
    const set = instancesOf.get(bridgeId) ?? new Set<string>();
    set.add(instance);
    instancesOf.set(bridgeId, set);
  }
}

export function onBridgeSocketConnected(instance: string, bridgeId?: string): void {
  presence.sockets.set(instance, (presence.sockets.get(instance) ?? 0) + 1);
  touchBridgeInstance(instance, Date.now(), bridgeId);
  shared(() => holdSharedSocket({ instance, nodeId: clusterNodeId() }));
}

export function onBridgeSocketDisconnected(instance: string): void {
  const left = (presence.sockets.get(instance) ?? 1) - 1;
  if (left > 0) presence.sockets.set(instance, left);
  else {
    presence.sockets.delete(instance);
    shared(() => releaseSharedSocket({ instance, nodeId: clusterNodeId() }));
  }
  touchBridgeInstance(instance);
}

/** Cluster mode: renews the shared keys of the bridge sockets this instance holds (they lapse if it dies). */
export function refreshHeldBridgeSockets(now = Date.now()): void {
  for (const instance of presence.sockets.keys()) {
    shared(() => holdSharedSocket({ instance, nodeId: clusterNodeId() }));
    touchBridgeInstance(instance, now);
  }
}

export interface BridgePresence {
  /** Instances with a socket open now (to this process; in cluster mode, to any instance). */
  connected: number;
  /** Instances heard from (socket or HTTP) within the grace period. */
  alive: number;
  /** When this process last heard from any of the bridge's instances (null: not since it started). */
  lastHeardAt: number | null;
}

/** What the dashboard knows of a bridge's instances (in cluster mode, every instance's view; throws while Redis is down). */
export async function bridgePresence(bridgeId: string, now = Date.now()): Promise<BridgePresence> {
  if (isClusterMode()) return sharedBridgePresence({ bridgeId, graceMs: BRIDGE_GRACE_MS, now });
  let connected = 0;
  let alive = 0;
  let lastHeardAt: number | null = null;
  for (const instance of instancesOf.get(bridgeId) ?? []) {
    const at = presence.lastSeen.get(instance);
    if (at !== undefined) lastHeardAt = Math.max(lastHeardAt ?? 0, at);
    if (presence.sockets.has(instance)) connected++;
    if (presence.sockets.has(instance) || (at !== undefined && now - at <= BRIDGE_GRACE_MS)) alive++;
  }
  return { connected, alive, lastHeardAt };
}

/**
 * True once a bridge instance has had no socket and no request for the grace
 * period. Right after this dashboard starts nobody is gone yet: bridges need a
 * moment to reconnect to a restarted dashboard.
 */
export async function isBridgeInstanceGone(instance: string | null, now = Date.now()): Promise<boolean> {
  if (!instance || presence.sockets.has(instance)) return false;
  if (isClusterMode()) return isSharedInstanceGone({ instance, graceMs: BRIDGE_GRACE_MS, now });
  const since = Math.max(presence.lastSeen.get(instance) ?? 0, presence.startedAt);
  return now - since > BRIDGE_GRACE_MS;
}

/** Whether the bridge process has a socket open now (null when the request names no process). */
export async function isBridgeInstanceConnected(instance: string | null): Promise<boolean | null> {
  if (!instance) return null;
  if (presence.sockets.has(instance) || !isClusterMode()) return presence.sockets.has(instance);
  return isSharedInstanceConnected(instance);
}

/** Forgets instances unheard-of for long (their requests have long expired). */
export function pruneBridgeInstances(now = Date.now()): void {
  for (const [instance, at] of presence.lastSeen) {
    if (!presence.sockets.has(instance) && now - at > 24 * 3600_000) {
      presence.lastSeen.delete(instance);
      for (const set of instancesOf.values()) set.delete(instance);
    }
  }
}
