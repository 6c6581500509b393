import type { RedisClient } from "./redis-connection";

// One leader among the dashboard instances runs the background sweeps. The lease is a Redis
// key set with NX and a TTL, renewed by its holder well before it lapses; a holder that dies
// stops renewing and another instance takes it within the TTL. A holder counts itself leader
// only until its last successful renewal's start plus the TTL, less a margin for clock drift
// (the fencing check every job makes before it runs), so two instances never both believe it.

const RENEW_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_MINE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

export interface LeaderLeaseOptions {
  /** A function returning the command connection (it throws while Redis is down). */
  redis: () => RedisClient;
  /** This instance's id, the lease's value while it holds it. */
  nodeId: string;
  key?: string;
  /** How long the lease lasts without renewal: a dead leader is replaced within this. */
  ttlMs?: number;
  /** How often the holder renews (and others try to take it). */
  renewMs?: number;
  /** Called when this instance becomes or stops being the leader. */
  onChange?: (isLeader: boolean) => void;
}

export interface LeaderLease {
  /** The fencing check: true only while this instance's lease is certainly unexpired. */
  isLeader(): boolean;
  /** Stops renewing and, unless `abandon`, releases the lease so another instance takes it at once. */
  stop(options?: { abandon?: boolean }): Promise<void>;
}

/** Competes for the leader lease until stopped. */
export function startLeaderLease({ redis, nodeId, key = "airlock:leader", ttlMs = 5_000, renewMs = 1_000, onChange }: LeaderLeaseOptions): LeaderLease {
  const driftMs = Math.min(1_000, ttlMs / 5);
  let validUntil = 0;
  let wasLeader = false;
  let isStopped = false;
  const isLeader = () => !isStopped && Date.now() < validUntil;
  const report = () => {
    if (isLeader() !== wasLeader) {
      wasLeader = isLeader();
      onChange?.(wasLeader);
    }
  };
  const attempt = async () => {
    const startedAt = Date.now();
    try {
      const client = redis();
      const held =
        isLeader() || wasLeader
          ? (await client.eval(RENEW_IF_MINE, { keys: [key], arguments: [nodeId, String(ttlMs)] })) === 1
          : (await client.set(key, nodeId, { condition: "NX", expiration: { type: "PX", value: ttlMs } })) === "OK";
      if (isStopped) return;
      validUntil = held ? startedAt + ttlMs - driftMs : 0;
    } catch {
      // Redis is down: the lease lapses on its own (validUntil passes); nobody runs the sweeps meanwhile.
    }
    report();
  };
  let running = attempt();
  const timer = setInterval(() => {
    running = running.then(attempt);
  }, renewMs);
  timer.unref();
  return {
    isLeader,
    async stop({ abandon = false } = {}) {
      clearInterval(timer);
      await running;
      const wasHolding = isLeader();
      isStopped = true;
      validUntil = 0;
      report();
      if (wasHolding && !abandon) {
        await Promise.resolve()
          .then(() => redis().eval(RELEASE_IF_MINE, { keys: [key], arguments: [nodeId] }))
          .catch(() => undefined);
      }
    },
  };
}
