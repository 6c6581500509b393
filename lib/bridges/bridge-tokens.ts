import { generateToken, hashToken, tokenKind } from "../auth/tokens";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";

/** Registers a bridge and returns its token; the token is shown once and only its hash is kept. */
export async function createBridgeToken({ name, newTools = "disabled" }: { name: string; newTools?: "enabled" | "disabled" }) {
  const existing = await db.bridge.findUnique({ where: { name } });
  if (existing) throw new AppError("conflict", { message: `a bridge named "${name}" already exists` });
  const { token, tokenHash, prefix } = generateToken("bridge");
  const bridge = await db.bridge.create({ data: { name, tokenHash, prefix, newTools }, select: { id: true, name: true } });
  return { ...bridge, token };
}

/** The bridge a token belongs to, or null (unknown, revoked or not a bridge token). */
export async function authenticateBridge(token: string | undefined | null) {
  if (!token || tokenKind(token) !== "bridge") return null;
  const bridge = await db.bridge.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, name: true, revokedAt: true, lastSeenAt: true },
  });
  if (!bridge || bridge.revokedAt) return null;
  // Touch at most once a minute: this runs on every bridge request.
  if (!bridge.lastSeenAt || Date.now() - bridge.lastSeenAt.getTime() > 60_000) {
    await db.bridge.update({ where: { id: bridge.id }, data: { lastSeenAt: new Date() } });
  }
  return { id: bridge.id, name: bridge.name };
}
