import { db } from "../db/prisma";
import type { SessionAlert } from "../realtime/events";

/** The last few session alerts of the past day, newest first, for the queue page. */
export async function recentSessionAlerts({ hours = 24, limit = 5 } = {}): Promise<SessionAlert[]> {
  const rows = await db.auditEvent.findMany({
    where: { kind: "session_alert", createdAt: { gte: new Date(Date.now() - hours * 3_600_000) } },
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { bridge: { select: { name: true } } },
  });
  return rows.map((r) => ({
    at: r.createdAt.toISOString(),
    bridgeName: r.bridge?.name ?? "",
    sessionId: r.sessionId ?? "",
    alert: String((r.detail as { alert?: unknown } | null)?.alert ?? "alert"),
    tool: r.tool,
  }));
}
