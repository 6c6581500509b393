import type { TBridgeAuditEvent } from "../bridge-api/bridge-api.types";
import { db } from "../db/prisma";
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
  await markToolsUsed(events);
  return { accepted: events.length };
}
