import type { TBridgeAuditEvent } from "../bridge-api/bridge-api.types";
import { db } from "../db/prisma";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { markToolsUsed } from "../tools/inventory";

/** Stores a batch of events a bridge reports (allowed, denied, held, …) in one write. */
export async function recordBridgeEvents({ bridgeId, events }: { bridgeId: string; events: TBridgeAuditEvent[] }) {
  await db.auditEvent.createMany({
    data: events.map((e) => ({
      createdAt: new Date(e.at),
      kind: e.kind,
      bridgeId,
      sessionId: e.sessionId,
      server: e.server,
      tool: e.tool,
      argumentsHash: e.argumentsHash,
      ruleName: e.ruleName,
      policyVersion: e.policyVersion,
      approvalId: e.approvalId,
      latencyMs: e.latencyMs,
      arguments: e.arguments as object | undefined,
      principal: e.principal,
      detail: e.detail as object | undefined,
    })),
  });
  // A bridge raised an alert on a session (a burst of calls to tools that do not exist): its own event, pushed to reviewers.
  const alerts = events.filter((e) => typeof e.detail?.alert === "string");
  if (alerts.length) {
    await db.auditEvent.createMany({
      data: alerts.map((e) => ({
        createdAt: new Date(e.at),
        kind: "session_alert",
        bridgeId,
        sessionId: e.sessionId,
        server: e.server,
        tool: e.tool,
        detail: { alert: String(e.detail!.alert).slice(0, 500) },
      })),
    });
    const bridge = await db.bridge.findUnique({ where: { id: bridgeId }, select: { name: true } });
    for (const e of alerts) {
      getIo()
        ?.to(ROOM_REVIEWERS)
        .emit("alert:created", {
          at: e.at,
          bridgeName: bridge?.name ?? "",
          sessionId: e.sessionId,
          alert: String(e.detail!.alert).slice(0, 500),
          tool: e.tool ?? null,
        });
    }
  }
  await markToolsUsed(events);
  return { accepted: events.length };
}
