import { db } from "../db/prisma";
import type { ChallengeStore } from "./challenges";

/** The passkey ceremonies' single-use secrets, in the PasskeyChallenge table. */
export const dbChallengeStore: ChallengeStore = {
  async insert(row) {
    await db.passkeyChallenge.create({ data: row });
  },
  findByHash: (hash) => db.passkeyChallenge.findUnique({ where: { hash } }),
  async take(id) {
    const { count } = await db.passkeyChallenge.deleteMany({ where: { id } });
    return count === 1;
  },
  async pruneExpired(now) {
    await db.passkeyChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
  },
};
