import { db } from "../db/prisma";
import { bridgePresence } from "./bridge-presence";

/** How long a bridge's reported clients and upstreams are remembered on the Bridges page. */
const RECENT_MS = 24 * 3600_000;
/** A bridge heard of (a request, at most once a minute recorded) within this is online even without a socket to this process. */
const ONLINE_MS = 2 * 60_000;

interface ClientSeen {
  name: string;
  version: string;
}

/** The MCP clients and upstream servers a bridge's recent calls name (the bridge records the client on each call). */
async function recentActivity(bridgeId: string, since: Date) {
  const events = await db.auditEvent.findMany({
    where: { bridgeId, createdAt: { gte: since }, kind: { in: ["allowed", "denied", "held", "executed", "failed", "upstream_error"] } },
    orderBy: { createdAt: "desc" },
    take: 500,
    select: { detail: true, server: true },
  });
  const clients = new Map<string, ClientSeen>();
  const servers = new Set<string>();
  for (const e of events) {
    if (e.server) servers.add(e.server);
    const client = (e.detail as { client?: { name?: unknown; version?: unknown } } | null)?.client;
    if (client && typeof client.name === "string") {
      const version = typeof client.version === "string" ? client.version : "";
      clients.set(`${client.name}\u0000${version}`, { name: client.name, version });
    }
  }
  return { clients: [...clients.values()], servers };
}

/** Bridges with presence, last seen, clients, upstreams, pending requests and the policy version each enforces (token hashes never leave). */
export async function listBridges() {
  const now = Date.now();
  const since = new Date(now - RECENT_MS);
  const [bridges, pending, tools] = await Promise.all([
    db.bridge.findMany({
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
    }),
    db.approvalRequest.groupBy({ by: ["bridgeId"], where: { status: "pending" }, _count: { _all: true } }),
    db.tool.findMany({ where: { lastBridgeId: { not: null } }, select: { server: true, lastBridgeId: true }, distinct: ["server", "lastBridgeId"] }),
  ]);
  const pendingOf = new Map(pending.map((p) => [p.bridgeId, p._count._all]));
  return Promise.all(
    bridges.map(async (b) => {
      const presence = await bridgePresence(b.id, now);
      const heard = Math.max(b.lastSeenAt?.getTime() ?? 0, presence.lastHeardAt ?? 0);
      const isOnline = !b.revokedAt && (presence.alive > 0 || (heard > 0 && now - heard <= ONLINE_MS));
      const activity = await recentActivity(b.id, since);
      for (const t of tools) if (t.lastBridgeId === b.id) activity.servers.add(t.server);
      return {
        ...b,
        createdAt: b.createdAt.toISOString(),
        lastSeenAt: heard ? new Date(heard).toISOString() : null,
        revokedAt: b.revokedAt?.toISOString() ?? null,
        enforcedAt: b.enforcedAt?.toISOString() ?? null,
        status: b.revokedAt ? ("revoked" as const) : isOnline ? ("online" as const) : ("offline" as const),
        connectedInstances: presence.connected,
        pendingRequests: pendingOf.get(b.id) ?? 0,
        clients: activity.clients,
        upstreams: [...activity.servers].sort(),
      };
    }),
  );
}
