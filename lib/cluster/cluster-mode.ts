// Cluster mode: several dashboard instances on one PostgreSQL database share their
// sockets, bridge presence, background-job leadership and rate limits through Redis.
// REDIS_URL turns it on; without it nothing here loads a Redis client.

/** Whether this dashboard runs as one of several instances (REDIS_URL is set). */
export function isClusterMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return !!env.REDIS_URL;
}

/**
 * What one instance would otherwise generate into its own data dir, and so must be given
 * to every instance alike: each entry is satisfied by any one of its variables.
 */
const SHARED_SETTINGS: { names: string[]; why: string }[] = [
  { names: ["NEXTAUTH_SECRET"], why: "signs session cookies and seals webhook and upstream secrets" },
  { names: ["AIRLOCK_AUDIT_SIGNING_KEY", "AIRLOCK_AUDIT_SIGNING_KEY_FILE"], why: "signs the audit chain's checkpoints" },
  { names: ["AIRLOCK_OAUTH_SIGNING_KEY", "AIRLOCK_OAUTH_SIGNING_KEY_FILE"], why: "signs OAuth access tokens" },
  { names: ["AIRLOCK_VAPID_PUBLIC_KEY"], why: "Web Push subscriptions are bound to it" },
  { names: ["AIRLOCK_VAPID_PRIVATE_KEY"], why: "signs Web Push messages" },
];

/** Why cluster mode cannot start with this environment (empty when it can). */
export function clusterStartProblems(env: NodeJS.ProcessEnv, provider: "sqlite" | "postgresql"): string[] {
  const problems: string[] = [];
  if (provider !== "postgresql") {
    problems.push("REDIS_URL (several instances) needs a shared PostgreSQL database: set DATABASE_URL=postgresql://… (SQLite is one instance's file)");
  }
  const missing = SHARED_SETTINGS.filter(({ names }) => !names.some((name) => env[name]));
  if (missing.length) {
    problems.push(
      `REDIS_URL (several instances) needs the secrets every instance must share, or each would generate its own: set ${missing
        .map(({ names, why }) => `${names.join(" or ")} (${why})`)
        .join("; ")}`,
    );
  }
  return problems;
}

const globalForNode = globalThis as unknown as { __airlockNodeId?: string };

/** This dashboard process among the cluster's instances (random per start). */
export function clusterNodeId(): string {
  globalForNode.__airlockNodeId ??= `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  return globalForNode.__airlockNodeId;
}

/**
 * What every Redis key and channel of this cluster starts with (AIRLOCK_REDIS_PREFIX, default
 * "airlock"): two clusters sharing one Redis must each have their own, or they would share
 * rooms, presence and leadership.
 */
export function redisPrefix(env: NodeJS.ProcessEnv = process.env): string {
  const prefix = env.AIRLOCK_REDIS_PREFIX || "airlock";
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(prefix)) throw new Error(`AIRLOCK_REDIS_PREFIX=${prefix} must be 1 to 64 letters, digits, "_", "." or "-"`);
  return prefix;
}
