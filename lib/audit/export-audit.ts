import { stringify } from "csv-stringify/sync";
import type { TRole } from "../auth/roles";
import { db, type Prisma } from "../db/prisma";
import type { TAuditExportQuery } from "./export-audit.types";

const COLUMNS = [
  "id",
  "createdAt",
  "kind",
  "bridge",
  "sessionId",
  "server",
  "tool",
  "argumentsHash",
  "ruleName",
  "policyVersion",
  "approvalId",
  "actor",
  "latencyMs",
  "detail",
] as const;
const MAX_ROWS = 100_000;

export interface ExportAuditOptions {
  query: TAuditExportQuery;
  viewer: { id: string; role: TRole };
}

/** The audit trail as CSV, JSON or NDJSON; reviewers see only their own decisions (DESIGN.md, Roles). */
export async function exportAudit({ query, viewer }: ExportAuditOptions): Promise<{ body: string; contentType: string }> {
  const where: Prisma.AuditEventWhereInput = {};
  if (query.from || query.to) where.createdAt = { gte: query.from, lte: query.to };
  if (viewer.role === "reviewer") where.actorId = viewer.id;
  const events = await db.auditEvent.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_ROWS });
  const [bridges, actors] = await Promise.all([
    db.bridge.findMany({ select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: [...new Set(events.map((e) => e.actorId).filter((x): x is string => !!x))] } }, select: { id: true, email: true } }),
  ]);
  const bridgeName = new Map(bridges.map((b) => [b.id, b.name]));
  const actorEmail = new Map(actors.map((a) => [a.id, a.email]));
  const rows = events.map((e) => ({
    id: e.id,
    createdAt: e.createdAt.toISOString(),
    kind: e.kind,
    bridge: e.bridgeId ? (bridgeName.get(e.bridgeId) ?? e.bridgeId) : null,
    sessionId: e.sessionId,
    server: e.server,
    tool: e.tool,
    argumentsHash: e.argumentsHash,
    ruleName: e.ruleName,
    policyVersion: e.policyVersion,
    approvalId: e.approvalId,
    actor: e.actorId ? (actorEmail.get(e.actorId) ?? e.actorId) : null,
    latencyMs: e.latencyMs,
    detail: e.detail,
  }));
  switch (query.format) {
    case "csv":
      return {
        contentType: "text/csv; charset=utf-8",
        body: stringify(
          rows.map((r) => ({ ...r, detail: r.detail ? JSON.stringify(r.detail) : "" })),
          { header: true, columns: [...COLUMNS] },
        ),
      };
    case "ndjson":
      return { contentType: "application/x-ndjson", body: rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "") };
    default:
      return { contentType: "application/json", body: JSON.stringify({ events: rows }) };
  }
}
