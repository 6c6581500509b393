import type { createClient } from "redis";
import { AppError } from "../errors/app-error";
import { dashboardLog } from "../observability/dashboard-log";

// The one Redis connection of a dashboard process in cluster mode (REDIS_URL), kept on
// globalThis: the custom server opens it at start, and Next's route bundles in the same
// process reach it here without importing the `redis` package themselves.

export type RedisClient = ReturnType<typeof createClient>;

interface Connection {
  client: RedisClient;
  /** A second connection in subscriber mode (socket.io's adapter and cache invalidations). */
  subscriber: RedisClient;
  /** When the command connection last became ready; null while it is down. */
  readySince: number | null;
}

const globalForRedis = globalThis as unknown as { __airlockRedis?: Connection };

/** The URL with any password masked, for messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an invalid URL)";
  }
}

/**
 * Connects to Redis, or throws a clear error when it cannot be reached at start (three
 * attempts). Later losses are retried for ever; meanwhile commands fail at once (no
 * offline queue), so nothing is decided on state that cannot be read.
 */
export async function connectRedis(url: string): Promise<Connection> {
  if (globalForRedis.__airlockRedis) return globalForRedis.__airlockRedis;
  const { createClient } = await import("redis");
  const where = redactRedisUrl(url);
  const open = async (onReady: (isReady: boolean) => void) => {
    let wasReady = false;
    const client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 3_000,
        reconnectStrategy: (retries: number, cause: Error) =>
          !wasReady && retries >= 3 ? new Error(`Redis at ${where} cannot be reached (${cause.message})`) : Math.min(100 * 2 ** retries, 2_000),
      },
    });
    // One line when the connection is lost and one when it is back, not one per retry.
    let isDown = false;
    client.on("ready", () => {
      if (isDown) dashboardLog().info(`Redis at ${where} is reachable again`);
      wasReady = true;
      isDown = false;
      onReady(true);
    });
    client.on("end", () => onReady(false));
    client.on("reconnecting", () => onReady(false));
    client.on("error", (error: Error) => {
      if (wasReady && !isDown) dashboardLog().warn(`Redis at ${where} lost (${error.message}); retrying, and refusing what needs it meanwhile`);
      isDown = true;
    });
    await client.connect();
    return client as RedisClient;
  };
  const connection: Connection = { readySince: null } as Connection;
  connection.client = await open((isReady) => {
    connection.readySince = isReady ? Date.now() : null;
  });
  connection.subscriber = await open(() => undefined);
  connection.readySince ??= Date.now();
  globalForRedis.__airlockRedis = connection;
  return connection;
}

/** The command connection, or an `unavailable` error while Redis is down (callers fail closed). */
export function sharedRedis(): RedisClient {
  const connection = globalForRedis.__airlockRedis;
  if (!connection || connection.readySince === null)
    throw new AppError("unavailable", { message: "the cluster's shared state (Redis) cannot be reached; try again shortly" });
  return connection.client;
}

/** When the command connection last became ready (null while down, or outside cluster mode). */
export function redisReadySince(): number | null {
  return globalForRedis.__airlockRedis?.readySince ?? null;
}

/** The subscriber connection (cluster mode only). */
export function sharedSubscriber(): RedisClient | undefined {
  return globalForRedis.__airlockRedis?.subscriber;
}

/** Closes both connections (the server is stopping). */
export async function disconnectRedis(): Promise<void> {
  const connection = globalForRedis.__airlockRedis;
  globalForRedis.__airlockRedis = undefined;
  if (!connection) return;
  await Promise.allSettled([connection.client.quit(), connection.subscriber.quit()]);
}
