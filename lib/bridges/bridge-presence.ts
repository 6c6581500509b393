// Which bridge processes are alive. A held call waits in one bridge process
// (its "instance"); once that process is gone nobody can run the call, so its
// request must not be approved, and it expires as "bridge gone".
//
// A process is alive while it has a socket open, or it reached the dashboard
// over HTTP within the grace period (a bridge whose socket cannot connect polls
// every two seconds). Kept in memory on globalThis: the custom server and Next's
// route bundles share it in one process. Several dashboard instances each see
// their own sockets and polls; see README (Scale).

/** How long a bridge may stay unheard-of before its held calls are abandoned. */
export const BRIDGE_GRACE_MS = graceMs(process.env.AIRLOCK_BRIDGE_GRACE_SECONDS);

/** A value that is not a positive number of seconds falls back to 30 s: NaN would silently stop bridge-gone expiry. */
export function graceMs(value: string | undefined): number {
  const seconds = Number(value ?? 30);
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  console.error(`[airlock] AIRLOCK_BRIDGE_GRACE_SECONDS=${value} is not a positive number of seconds; using 30`);
  return 30_000;
}

interface Presence {
  startedAt: number;
  sockets: Map<string, number>;
  lastSeen: Map<string, number>;
}

const globalForPresence = globalThis as unknown as { __airlockPresence?: Presence };
globalForPresence.__airlockPresence ??= { startedAt: Date.now(), sockets: new Map(), lastSeen: new Map() };
const presence: Presence = globalForPresence.__airlockPresence;

/** A bridge instance id, as bridges send it: anything else is ignored. */
export function parseInstance(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(value) ? value : null;
}

export function touchBridgeInstance(instance: string | null, now = Date.now()): void {
  if (instance) presence.lastSeen.set(instance, now);
}

export function onBridgeSocketConnected(instance: string): void {
  presence.sockets.set(instance, (presence.sockets.get(instance) ?? 0) + 1);
  touchBridgeInstance(instance);
}

export function onBridgeSocketDisconnected(instance: string): void {
  const left = (presence.sockets.get(instance) ?? 1) - 1;
  if (left > 0) presence.sockets.set(instance, left);
  else presence.sockets.delete(instance);
  touchBridgeInstance(instance);
}

/**
 * True once a bridge instance has had no socket and no request for the grace
 * period. Right after this dashboard starts nobody is gone yet: bridges need a
 * moment to reconnect to a restarted dashboard.
 */
export function isBridgeInstanceGone(instance: string | null, now = Date.now()): boolean {
  if (!instance || presence.sockets.has(instance)) return false;
  const since = Math.max(presence.lastSeen.get(instance) ?? 0, presence.startedAt);
  return now - since > BRIDGE_GRACE_MS;
}

/** Whether the bridge process has a socket open now (null when the request names no process). */
export function isBridgeInstanceConnected(instance: string | null): boolean | null {
  return instance ? presence.sockets.has(instance) : null;
}

/** Forgets instances unheard-of for long (their requests have long expired). */
export function pruneBridgeInstances(now = Date.now()): void {
  for (const [instance, at] of presence.lastSeen) {
    if (!presence.sockets.has(instance) && now - at > 24 * 3600_000) presence.lastSeen.delete(instance);
  }
}
