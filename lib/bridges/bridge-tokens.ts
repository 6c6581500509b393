import { appendAudit } from "../audit/chain";
import { generateToken, hashToken, tokenKind } from "../auth/tokens";
import { publishInvalidation } from "../cluster/cache-invalidation";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { disconnectBridgeSockets } from "../realtime/disconnect-user";

/** Registers a bridge and returns its token; the token is shown once and only its hash is kept. */
export async function createBridgeToken({
  name,
  newTools = "disabled",
  by,
}: {
  name: string;
  newTools?: "enabled" | "disabled";
  /** The admin who created it from the dashboard (none for the CLI). */
  by?: { id: string; email: string };
}) {
  const existing = await db.bridge.findUnique({ where: { name } });
  if (existing) throw new AppError("conflict", { message: `a bridge named "${name}" already exists` });
  const { token, tokenHash, prefix } = generateToken("bridge");
  const bridge = await db.$transaction(async (tx) => {
    const bridge = await tx.bridge.create({ data: { name, tokenHash, prefix, newTools }, select: { id: true, name: true, prefix: true } });
    await appendAudit(tx, [
      { kind: "bridge_token_created", bridgeId: bridge.id, actorId: by?.id ?? null, detail: { name, prefix, newTools, by: by?.email ?? "cli" } },
    ]);
    return bridge;
  });
  return { ...bridge, token };
}

/**
 * Valid bridge tokens seen in the last few seconds, by hash (never the token).
 * Every held call costs a bridge three or four requests; a database read for
 * each is a fifth of the dashboard's work under load. A revoked token stops
 * working within AUTH_CACHE_MS (in cluster mode the other instances are told at
 * once, see forgetBridgeAuth); unknown tokens are never cached.
 */
const AUTH_CACHE_MS = 5_000;
const globalForCache = globalThis as unknown as { __airlockBridgeAuth?: Map<string, { bridge: { id: string; name: string }; until: number }> };
globalForCache.__airlockBridgeAuth ??= new Map();
const authCache = globalForCache.__airlockBridgeAuth;

/** The bridge a token belongs to, or null (unknown, revoked or not a bridge token). */
export async function authenticateBridge(token: string | undefined | null) {
  if (!token || tokenKind(token) !== "bridge") return null;
  const tokenHash = hashToken(token);
  const cached = authCache.get(tokenHash);
  if (cached && cached.until > Date.now()) return cached.bridge;
  const bridge = await db.bridge.findUnique({
    where: { tokenHash },
    select: { id: true, name: true, revokedAt: true, lastSeenAt: true },
  });
  if (!bridge || bridge.revokedAt) {
    authCache.delete(tokenHash);
    return null;
  }
  // Touch at most once a minute: this runs on every bridge request that misses the cache.
  if (!bridge.lastSeenAt || Date.now() - bridge.lastSeenAt.getTime() > 60_000) {
    await db.bridge.update({ where: { id: bridge.id }, data: { lastSeenAt: new Date() } });
  }
  const result = { id: bridge.id, name: bridge.name };
  if (authCache.size > 10_000) authCache.clear();
  authCache.set(tokenHash, { bridge: result, until: Date.now() + AUTH_CACHE_MS });
  return result;
}

/** Drops the cached answers for a bridge (its token was revoked, here or on another instance). */
export function forgetBridgeAuth(bridgeId: string): void {
  for (const [tokenHash, entry] of authCache) if (entry.bridge.id === bridgeId) authCache.delete(tokenHash);
}

/** Revokes a bridge's token: its requests are refused from now on (this process forgets its cached answer at once). */
export async function revokeBridgeToken({ id, by }: { id: string; by: { id: string; email: string } }) {
  const result = await db.$transaction(async (tx) => {
    const bridge = await tx.bridge.findUnique({ where: { id }, select: { id: true, name: true, prefix: true, tokenHash: true, revokedAt: true } });
    if (!bridge) throw new AppError("not_found", { message: "no such bridge" });
    if (bridge.revokedAt) return { bridge, revokedAt: bridge.revokedAt };
    const revokedAt = new Date();
    await tx.bridge.update({ where: { id }, data: { revokedAt } });
    await appendAudit(tx, [{ kind: "bridge_token_revoked", bridgeId: id, actorId: by.id, detail: { name: bridge.name, prefix: bridge.prefix, by: by.email } }]);
    return { bridge, revokedAt };
  });
  authCache.delete(result.bridge.tokenHash);
  await publishInvalidation({ kind: "bridge-revoked", bridgeId: id });
  await disconnectBridgeSockets(id);
  return { id, revokedAt: result.revokedAt.toISOString() };
}
