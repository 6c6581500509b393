import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { ROOM_BRIDGES } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { assertMayAdministerServer } from "../server-admins/administered-servers";
import { resolveScope } from "./resolve-scope";
import { sealUpstreamSecret } from "./seal";
import type { TSetUpstreamSecret } from "./upstream-secrets.types";

/** An admin, or a reviewer who administers the upstream (per-server admins). */
export type SecretActor = { id: string | null; email: string; role: string };

/**
 * Sets (or replaces: rotation) one upstream secret. The audit event names the upstream,
 * the kind, the variable or header and the bridge, never the value. Bridges are told
 * after the commit and fetch their secrets again.
 */
export async function setUpstreamSecret({ input, actor }: { input: TSetUpstreamSecret; actor: SecretActor }) {
  await assertMayAdministerServer(actor, input.upstream);
  const { scope, bridgeName } = await resolveScope(input.bridge);
  // Header names are case-insensitive: one spelling, so a bridge's own entry replaces the shared one.
  const name = input.kind === "header" ? input.name.toLowerCase() : input.name;
  const where = { scope, upstream: input.upstream, kind: input.kind, name };
  const ciphertext = sealUpstreamSecret(input.value, where);
  const row = await db.$transaction(async (tx) => {
    const existing = await tx.upstreamSecret.findUnique({ where: { scope_upstream_kind_name: where }, select: { id: true } });
    const saved = existing
      ? await tx.upstreamSecret.update({ where: { id: existing.id }, data: { ciphertext, version: { increment: 1 }, updatedBy: actor.email } })
      : await tx.upstreamSecret.create({ data: { ...where, ciphertext, updatedBy: actor.email } });
    await appendAudit(tx, [
      {
        kind: existing ? "upstream_secret_rotated" : "upstream_secret_set",
        actorId: actor.id,
        detail: { upstream: input.upstream, secretKind: input.kind, name, bridge: bridgeName ?? "every bridge", version: saved.version },
      },
    ]);
    return saved;
  });
  getIo()?.to(ROOM_BRIDGES).emit("secrets:changed");
  return { id: row.id, isNew: row.version === 1, version: row.version };
}
