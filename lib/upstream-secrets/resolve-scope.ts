import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";

export const EVERY_BRIDGE = "*";

/** A bridge's name (or nothing, or "*") → the scope stored: the bridge's id, or "*". */
export async function resolveScope(bridge: string | undefined): Promise<{ scope: string; bridgeName: string | null }> {
  if (bridge === undefined || bridge === EVERY_BRIDGE) return { scope: EVERY_BRIDGE, bridgeName: null };
  const row = await db.bridge.findUnique({ where: { name: bridge }, select: { id: true, name: true } });
  if (!row) throw new AppError("not_found", { message: `no bridge named "${bridge}"` });
  return { scope: row.id, bridgeName: row.name };
}
