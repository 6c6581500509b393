import type { TBridgeAuditEvent } from "../bridge-api/bridge-api.types";
import { isUniqueViolation } from "../db/database-errors";
import { db, type Prisma } from "../db/prisma";
import { dashboardMetrics } from "../observability/dashboard-metrics";
import { ROOM_REVIEWERS } from "../realtime/events";
import { getIo } from "../realtime/hub";
import { markToolsUsed } from "../tools/inventory";
import { type AuditInput, appendAudit } from "./chain";

/** Turns a bridge's event into the chain's input (the alert a bridge raised becomes an event of its own). */
function inputsOf(bridgeId: string, e: TBridgeAuditEvent): AuditInput[] {
  const input: AuditInput = {
    sourceId: e.id ?? null,
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
    arguments: e.arguments,
    principal: e.principal,
    detail: e.detail,
  };
  if (typeof e.detail?.alert !== "string") return [input];
  const alert: AuditInput = {
    createdAt: new Date(e.at),
    kind: "session_alert",
    bridgeId,
    sessionId: e.sessionId,
    server: e.server,
    tool: e.tool,
    detail: { alert: String(e.detail.alert).slice(0, 500) },
  };
  return [input, alert];
}

/** Two deliveries of one batch at once: the later one's insert hits the unique id and, run again, finds the events stored. */
async function storeOnce<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  try {
    return await db.$transaction(work);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return db.$transaction(work);
  }
}

/**
 * Stores a batch of events a bridge reports (allowed, denied, held, …) in one append to the
 * chain. Events carry the bridge's id for them: a batch sent again (its answer was lost, or a
 * spool is delivered after a restart) stores only what is new, so each event lands once.
 */
export async function recordBridgeEvents({ bridgeId, events }: { bridgeId: string; events: TBridgeAuditEvent[] }) {
  const fresh = await storeOnce(async (tx) => {
    const ids = events.map((e) => e.id).filter((id): id is string => !!id);
    const known = ids.length
      ? new Set((await tx.auditEvent.findMany({ where: { sourceId: { in: ids } }, select: { sourceId: true } })).map((r) => r.sourceId))
      : new Set<string | null>();
    const seen = new Set<string>();
    const fresh = events.filter((e) => !e.id || (!known.has(e.id) && !seen.has(e.id) && seen.add(e.id)));
    await appendAudit(
      tx,
      fresh.flatMap((e) => inputsOf(bridgeId, e)),
    );
    return fresh;
  });
  // Counted once stored, and only what is new: a batch delivered again is not counted twice.
  dashboardMetrics().countCalls(fresh);
  // A bridge raised an alert on a session (a burst of calls to tools that do not exist): pushed to reviewers.
  const alerts = fresh.filter((e) => typeof e.detail?.alert === "string");
  if (alerts.length) {
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
  await markToolsUsed(fresh);
  return { accepted: events.length, stored: fresh.length };
}
