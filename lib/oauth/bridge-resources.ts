import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";

/**
 * Records the resource URL a bridge serves MCP at (it reports it at start with `--auth oauth`).
 * Only such URLs are resources the dashboard issues tokens for, and one URL names one bridge:
 * a second bridge claiming a URL another live bridge holds is refused (409), so that no bridge
 * token can make the dashboard mint tokens meant for somebody else's endpoint.
 */
export async function setBridgeResource({ bridgeId, resourceUrl }: { bridgeId: string; resourceUrl: string }): Promise<{ resourceUrl: string }> {
  const holder = await db.bridge.findUnique({ where: { resourceUrl }, select: { id: true, name: true, revokedAt: true } });
  if (holder && holder.id !== bridgeId && !holder.revokedAt) {
    throw new AppError("conflict", { message: `the bridge "${holder.name}" already serves ${resourceUrl}` });
  }
  await db.$transaction(async (tx) => {
    // A revoked bridge's claim gives way.
    if (holder && holder.id !== bridgeId) await tx.bridge.update({ where: { id: holder.id }, data: { resourceUrl: null } });
    await tx.bridge.update({ where: { id: bridgeId }, data: { resourceUrl } });
  });
  return { resourceUrl };
}

/** The live bridge whose MCP endpoint is this resource, or null (unknown or revoked). */
export async function findBridgeResource(resourceUrl: string): Promise<{ id: string; name: string } | null> {
  const bridge = await db.bridge.findUnique({ where: { resourceUrl }, select: { id: true, name: true, revokedAt: true } });
  return bridge && !bridge.revokedAt ? { id: bridge.id, name: bridge.name } : null;
}
