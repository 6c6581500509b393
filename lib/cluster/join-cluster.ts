import { refreshHeldBridgeSockets } from "../bridges/bridge-presence";
import { forgetBridgeAuth } from "../bridges/bridge-tokens";
import { dashboardLog } from "../observability/dashboard-log";
import type { AirlockIo } from "../realtime/hub";
import { subscribeInvalidations } from "./cache-invalidation";
import { clusterNodeId, clusterStartProblems, isClusterMode, redisPrefix } from "./cluster-mode";
import { type LeaderLease, startLeaderLease } from "./leader-lease";
import { connectRedis, disconnectRedis, type RedisClient, sharedRedis } from "./redis-connection";
import { SOCKET_REFRESH_MS } from "./shared-presence";

export interface ClusterMembership {
  /** Whether this instance runs the background sweeps now (always, outside cluster mode). */
  isLeader(): boolean;
  /** Shares socket.io's rooms with the other instances and starts the lease and the presence refresh. */
  attach(io: AirlockIo): Promise<void>;
  leave(): Promise<void>;
}

const ALONE: ClusterMembership = { isLeader: () => true, attach: async () => undefined, leave: async () => undefined };

/**
 * The command connection as the adapter's publisher, with failed publishes swallowed: the
 * adapter does not await them, and while Redis is down each would be an unhandled rejection
 * (which ends a Node process). A push lost then is a hint lost: bridges poll and re-watch,
 * pages re-read the queue.
 */
function quietPublisher(client: RedisClient): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      if (property === "publish") {
        return (...args: Parameters<RedisClient["publish"]>) => target.publish(...args).catch(() => 0);
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Joins the cluster when REDIS_URL is set: refuses to start on SQLite or without the shared
 * secrets (one message naming each), and when Redis cannot be reached. Without REDIS_URL it
 * loads nothing and this process is its own leader.
 */
export async function joinCluster({ provider }: { provider: "sqlite" | "postgresql" }): Promise<ClusterMembership> {
  if (!isClusterMode()) return ALONE;
  redisPrefix(); // a bad AIRLOCK_REDIS_PREFIX stops the start here
  const problems = clusterStartProblems(process.env, provider);
  if (problems.length) throw new Error(problems.join("\n"));
  const connection = await connectRedis(process.env.REDIS_URL!);
  const nodeId = clusterNodeId();
  let lease: LeaderLease | undefined;
  let refresher: NodeJS.Timeout | undefined;
  return {
    isLeader: () => lease?.isLeader() ?? false,
    async attach(io) {
      // socket.io's Redis adapter (pub/sub): io.to(room).emit reaches the sockets of every instance.
      const { createAdapter } = await import("@socket.io/redis-adapter");
      io.adapter(createAdapter(quietPublisher(connection.client), connection.subscriber, { key: `${redisPrefix()}:socket.io` }));
      await subscribeInvalidations((message) => {
        if (message.kind === "bridge-revoked") forgetBridgeAuth(message.bridgeId);
      });
      lease = startLeaderLease({
        redis: sharedRedis,
        nodeId,
        key: `${redisPrefix()}:leader`,
        onChange: (isLeader) => dashboardLog().info(`instance ${nodeId} ${isLeader ? "leads" : "no longer leads"} the background jobs`),
      });
      refresher = setInterval(() => refreshHeldBridgeSockets(), SOCKET_REFRESH_MS);
      refresher.unref();
      dashboardLog().info(`cluster mode: instance ${nodeId} joined through Redis`);
    },
    async leave() {
      if (refresher) clearInterval(refresher);
      await lease?.stop();
      await disconnectRedis();
    },
  };
}
