// The leader lease on a real Redis (REDIS_URL, default the local one): one holder at a
// time; a holder that dies (stops renewing) is replaced once its lease lapses, one that
// stops cleanly hands over at once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LeaderLease, startLeaderLease } from "../../lib/cluster/leader-lease";
import { connectRedis, disconnectRedis, type RedisClient, sharedRedis } from "../../lib/cluster/redis-connection";
import { waitFor } from "../helpers/dashboard";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let redis: RedisClient;

beforeAll(async () => {
  redis = (await connectRedis(REDIS_URL)).client;
});

afterAll(async () => {
  await disconnectRedis();
});

/** Two instances competing for a fresh lease key; `a` starts first and so leads. */
async function twoInstances(ttlMs: number) {
  const key = `airlock-test:${randomBytes(6).toString("hex")}:leader`;
  const a = startLeaderLease({ redis: sharedRedis, nodeId: "instance-a", key, ttlMs, renewMs: 200 });
  await waitFor(async () => (a.isLeader() ? true : undefined));
  const b = startLeaderLease({ redis: sharedRedis, nodeId: "instance-b", key, ttlMs, renewMs: 200 });
  return { key, a, b };
}

/** Samples both instances until `done`; returns whether both ever believed they led. */
async function watchForTwoLeaders(a: LeaderLease, b: LeaderLease, done: () => boolean) {
  let isEverBoth = false;
  await waitFor(
    async () => {
      if (a.isLeader() && b.isLeader()) isEverBoth = true;
      return done() ? true : undefined;
    },
    { intervalMs: 10, timeoutMs: 15_000 },
  );
  return isEverBoth;
}

describe("leader lease", () => {
  it("has one holder; when it dies another takes over once the lease lapses, and never both at once", async () => {
    const { key, a, b } = await twoInstances(1_500);
    try {
      // b keeps trying while a renews: a stays the only leader over several renewals.
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, 100));
        expect([a.isLeader(), b.isLeader()]).toEqual([true, false]);
      }
      expect(await redis.get(key)).toBe("instance-a");
      // a dies: it stops renewing and does not release.
      await a.stop({ abandon: true });
      expect(await redis.get(key)).toBe("instance-a");
      expect(await watchForTwoLeaders(a, b, () => b.isLeader())).toBe(false);
      expect(await redis.get(key)).toBe("instance-b");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("hands over on a clean stop, and a stopped holder never counts itself leader", async () => {
    const { key, a, b } = await twoInstances(60_000);
    try {
      await a.stop();
      expect(a.isLeader()).toBe(false);
      // The lease lasts a minute, so only the release lets b in this soon.
      await waitFor(async () => (b.isLeader() ? true : undefined), { timeoutMs: 5_000 });
      expect(await redis.get(key)).toBe("instance-b");
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("does not renew a lease someone else holds now (its own lapsed and was taken)", async () => {
    const { key, a, b } = await twoInstances(1_500);
    try {
      await b.stop();
      // Another process took the key meanwhile (as after a long pause of a's): a must step down.
      await redis.set(key, "instance-c", { expiration: { type: "PX", value: 60_000 } });
      await waitFor(async () => (a.isLeader() ? undefined : true), { timeoutMs: 5_000 });
      expect(await redis.get(key)).toBe("instance-c");
    } finally {
      await a.stop();
      await redis.del(key);
    }
  });
});
