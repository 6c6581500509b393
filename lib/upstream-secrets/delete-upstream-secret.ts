import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { ROOM_BRIDGES } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { assertMayAdministerServer } from "../server-admins/administered-servers";
import { EVERY_BRIDGE } from "./resolve-scope";

/** Removes one upstream secret (by id); audited by name, and bridges fetch their secrets again. */
export async function deleteUpstreamSecret({ id, actor }: { id: string; actor: { id: string | null; email: string; role: string } }) {
  await db.$transaction(async (tx) => {
    const row = await tx.upstreamSecret.findUnique({ where: { id }, select: { id: true, scope: true, upstream: true, kind: true, name: true } });
    if (!row) throw new AppError("not_found", { message: "no such upstream secret" });
    await assertMayAdministerServer(actor, row.upstream);
    const bridge = row.scope === EVERY_BRIDGE ? null : await tx.bridge.findUnique({ where: { id: row.scope }, select: { name: true } });
    await tx.upstreamSecret.delete({ where: { id } });
    await appendAudit(tx, [
      {
        kind: "upstream_secret_deleted",
        actorId: actor.id,
        detail: { upstream: row.upstream, secretKind: row.kind, name: row.name, bridge: bridge?.name ?? "every bridge" },
      },
    ]);
  });
  getIo()?.to(ROOM_BRIDGES).emit("secrets:changed");
}
