import { db } from "../db/prisma";
import { EVERY_BRIDGE } from "./resolve-scope";

/**
 * Every upstream secret, masked: which upstream, variable or header, bridge, version and who set it — never the value.
 * `servers`: only these upstreams' (a per-server admin's view).
 */
export async function listUpstreamSecrets({ servers = "all" }: { servers?: "all" | string[] } = {}) {
  const [rows, bridges] = await Promise.all([
    db.upstreamSecret.findMany({
      where: servers === "all" ? {} : { upstream: { in: servers } },
      select: { id: true, scope: true, upstream: true, kind: true, name: true, version: true, updatedBy: true, updatedAt: true },
      orderBy: [{ upstream: "asc" }, { kind: "asc" }, { name: "asc" }],
    }),
    db.bridge.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map(bridges.map((b) => [b.id, b.name]));
  return rows.map(({ scope, updatedAt, ...row }) => ({
    ...row,
    bridge: scope === EVERY_BRIDGE ? null : (names.get(scope) ?? null),
    value: "••••••••",
    updatedAt: updatedAt.toISOString(),
  }));
}
