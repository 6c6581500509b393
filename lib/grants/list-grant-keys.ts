import { db } from "../db/prisma";
import { type TGrantPublicJwk, ZGrantPublicJwk } from "./grant.types";

/** Keys stay published this long past notAfter: a verifier whose clock runs behind still finds them. */
const PUBLISH_GRACE_MS = 5 * 60_000;
/** The set is read from the database at most this often per process (the endpoint is public). */
const CACHE_MS = 1_000;

const globalForKeys = globalThis as unknown as { __airlockGrantKeys?: { keys: TGrantPublicJwk[]; until: number } };

/** Forgets the cached set (a key was registered in this process). */
export function forgetPublishedKeys(): void {
  globalForKeys.__airlockGrantKeys = undefined;
}

/**
 * The public keys grants may be signed with: every live key of a bridge whose token
 * is not revoked (revoking a bridge withdraws its keys, so its grants stop verifying).
 */
export async function listGrantKeys(): Promise<{ keys: TGrantPublicJwk[] }> {
  const cached = globalForKeys.__airlockGrantKeys;
  if (cached && cached.until > Date.now()) return { keys: cached.keys };
  const rows = await db.grantKey.findMany({
    where: { notAfter: { gt: new Date(Date.now() - PUBLISH_GRACE_MS) }, bridge: { revokedAt: null } },
    select: { publicJwk: true },
    orderBy: { createdAt: "desc" },
  });
  // Parsed again on the way out: a row that is not a public Ed25519 JWK is never published.
  const keys = rows.flatMap((row) => {
    const parsed = ZGrantPublicJwk.safeParse(JSON.parse(row.publicJwk));
    return parsed.success ? [parsed.data] : [];
  });
  globalForKeys.__airlockGrantKeys = { keys, until: Date.now() + CACHE_MS };
  return { keys };
}
