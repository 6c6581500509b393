import { z } from "zod";
import { dashboardLog } from "../observability/dashboard-log";
import { isClusterMode, redisPrefix } from "./cluster-mode";
import { sharedRedis, sharedSubscriber } from "./redis-connection";

// Caches that would delay a revocation on the other instances are cleared there through
// Redis pub/sub. A message lost while Redis is down is covered by each cache's own bound
// (bridge tokens: 5 s).

const channel = () => `${redisPrefix()}:invalidate`;

export const ZInvalidation = z.discriminatedUnion("kind", [z.object({ kind: z.literal("bridge-revoked"), bridgeId: z.string().min(1).max(100) })]);
export type TInvalidation = z.infer<typeof ZInvalidation>;

/** Tells the other instances to drop what they cached (no-op outside cluster mode). */
export async function publishInvalidation(message: TInvalidation): Promise<void> {
  if (!isClusterMode()) return;
  await Promise.resolve()
    .then(() => sharedRedis().publish(channel(), JSON.stringify(message)))
    .catch((error) => dashboardLog().error("could not tell the other instances to drop a cache", (error as Error).message));
}

/** Runs `onMessage` for each valid invalidation another instance (or this one) publishes. */
export async function subscribeInvalidations(onMessage: (message: TInvalidation) => void): Promise<void> {
  await sharedSubscriber()?.subscribe(channel(), (raw: string) => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return;
    }
    const parsed = ZInvalidation.safeParse(json);
    if (parsed.success) onMessage(parsed.data);
  });
}
