import { db } from "../db/prisma";

/** Bridges with when they were last seen and the policy version each enforces (token hashes never leave). */
export async function listBridges() {
  const bridges = await db.bridge.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      prefix: true,
      createdAt: true,
      lastSeenAt: true,
      revokedAt: true,
      enforcedPolicyVersion: true,
      enforcedAt: true,
      newTools: true,
    },
  });
  return bridges.map((b) => ({
    ...b,
    createdAt: b.createdAt.toISOString(),
    lastSeenAt: b.lastSeenAt?.toISOString() ?? null,
    revokedAt: b.revokedAt?.toISOString() ?? null,
    enforcedAt: b.enforcedAt?.toISOString() ?? null,
  }));
}
