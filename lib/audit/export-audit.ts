import { createHash } from "node:crypto";
import { stringify } from "csv-stringify/sync";
import type { TRole } from "../auth/roles";
import { db, type Prisma } from "../db/prisma";
import { dashboardLog } from "../observability/dashboard-log";
import { recordAudit } from "./chain";
import { CHAIN_VERSION, trailerMessage } from "./chain-hash";
import type { TAuditExportQuery } from "./export-audit.types";
import { auditSigningKey, signMessage } from "./signing-key";

// The audit trail as CSV, JSON or NDJSON, streamed page by page (constant memory at any
// size). NDJSON is the verifiable form: a header, every event with its chain fields, the
// signed checkpoints in their place, and a signed trailer over the file's bytes, so
// `airlock audit verify --file` checks it offline (README: Audit trail).

const PAGE = 1_000;

const CSV_COLUMNS = [
  "seq",
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
  "principal",
  "latencyMs",
  "decision",
  "resultingStatus",
  "edited",
  "comment",
  "reason",
  "error",
  "alert",
  "details",
  "hash",
] as const;
/** Detail fields with a column of their own; the rest go to `details` as `path=value` pairs. */
const DETAIL_COLUMNS = new Set(["decision", "resultingStatus", "edited", "comment", "reason", "error", "alert"]);
const DECISION_OUTCOMES = new Set(["approved", "rejected", "expired"]);

export interface ExportViewer {
  id: string;
  role: TRole;
}

export interface AuditExport {
  contentType: string;
  filename: string;
  stream: ReadableStream<Uint8Array>;
}

type Row = Prisma.AuditEventGetPayload<object>;

/** Filters as the database applies them; `outcome` of a decision is checked per row (its status is in `detail`). */
async function whereOf(query: TAuditExportQuery, viewer: ExportViewer): Promise<Prisma.AuditEventWhereInput | null> {
  const where: Prisma.AuditEventWhereInput = { seq: { gt: BigInt(query.cursor ?? 0) } };
  if (query.from || query.to) where.createdAt = { gte: query.from, lte: query.to };
  if (query.server) where.server = { in: query.server };
  if (query.tool) where.tool = { in: query.tool };
  const kinds = new Set(query.kind ?? []);
  if (query.outcome) {
    const fromOutcome = query.outcome.map((o) => (DECISION_OUTCOMES.has(o) ? "decided" : o));
    const both = query.kind ? fromOutcome.filter((k) => kinds.has(k)) : fromOutcome;
    if (!both.length) return null;
    where.kind = { in: [...new Set(both)] };
  } else if (query.kind) where.kind = { in: [...kinds] };
  // Reviewers see their own decisions only (DESIGN.md, Roles), whatever they ask for.
  if (viewer.role === "reviewer") where.actorId = viewer.id;
  if (query.reviewer) {
    const user = await db.user.findUnique({ where: { email: query.reviewer.toLowerCase() }, select: { id: true } });
    if (!user || (viewer.role === "reviewer" && user.id !== viewer.id)) return null;
    where.actorId = user.id;
  }
  return where;
}

function matchesOutcome(row: Row, outcomes: readonly string[] | undefined): boolean {
  if (!outcomes) return true;
  if (row.kind !== "decided") return outcomes.includes(row.kind);
  return outcomes.includes(String((row.detail as { resultingStatus?: unknown } | null)?.resultingStatus));
}

/** Names for ids, looked up once each (bridges and users are few next to events). */
class Names {
  private readonly bridges = new Map<string, string>();
  private readonly users = new Map<string, string>();

  async load(rows: Row[]): Promise<void> {
    const bridgeIds = [...new Set(rows.map((r) => r.bridgeId).filter((id): id is string => !!id && !this.bridges.has(id)))];
    const userIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is string => !!id && !this.users.has(id)))];
    if (bridgeIds.length) {
      for (const b of await db.bridge.findMany({ where: { id: { in: bridgeIds } }, select: { id: true, name: true } })) this.bridges.set(b.id, b.name);
    }
    if (userIds.length) {
      for (const u of await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })) this.users.set(u.id, u.email);
    }
  }

  bridge = (id: string | null) => (id ? (this.bridges.get(id) ?? id) : null);
  actor = (id: string | null) => (id ? (this.users.get(id) ?? id) : null);
}

/** One event as JSON and NDJSON carry it: every field the chain hashes, and names for people. */
/**
 * The signed receipts of the requests these decision events closed: each rides on its
 * decision event (the one at the receipt's chain position), so the export carries them.
 */
async function receiptsOf(rows: Row[]): Promise<Map<string, unknown>> {
  const ids = [...new Set(rows.filter((r) => r.kind === "decided" && r.approvalId).map((r) => r.approvalId!))];
  const receipts = new Map<string, unknown>();
  if (!ids.length) return receipts;
  for (const a of await db.approvalRequest.findMany({ where: { id: { in: ids } }, select: { id: true, receipt: true } })) {
    const seq = (a.receipt as { chain?: { seq?: number } } | null)?.chain?.seq;
    if (seq !== undefined) receipts.set(`${a.id}@${seq}`, a.receipt);
  }
  return receipts;
}

function eventJson(r: Row, names: Names, receipts: Map<string, unknown>) {
  const receipt = r.approvalId ? receipts.get(`${r.approvalId}@${Number(r.seq)}`) : undefined;
  return {
    type: "event",
    seq: Number(r.seq),
    id: r.id,
    createdAt: r.createdAt.toISOString(),
    kind: r.kind,
    bridgeId: r.bridgeId,
    bridge: names.bridge(r.bridgeId),
    sessionId: r.sessionId,
    server: r.server,
    tool: r.tool,
    argumentsHash: r.argumentsHash,
    ruleName: r.ruleName,
    policyVersion: r.policyVersion,
    approvalId: r.approvalId,
    actorId: r.actorId,
    actor: names.actor(r.actorId),
    latencyMs: r.latencyMs,
    principal: r.principal,
    arguments: r.arguments ?? null,
    detail: r.detail ?? null,
    personalDigest: r.personalDigest,
    personalSalt: r.personalSalt,
    prevHash: r.prevHash,
    hash: r.hash,
    ...(r.purgedAt ? { purgedAt: r.purgedAt.toISOString() } : {}),
    ...(receipt ? { receipt } : {}),
  };
}

/** `a.b=1; c=two` for the detail fields without a column: flat text, never JSON in a cell. */
export function flattenDetail(value: unknown, prefix = "", out: string[] = []): string[] {
  if (value === null || typeof value !== "object") {
    if (prefix) out.push(`${prefix}=${value === null ? "null" : String(value)}`);
    return out;
  }
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== "object")) out.push(`${prefix}=${value.join("|")}`);
    else
      value.forEach((v, i) => {
        flattenDetail(v, `${prefix}[${i}]`, out);
      });
    return out;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!prefix && DETAIL_COLUMNS.has(k)) continue;
    flattenDetail(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

function csvRow(r: Row, names: Names) {
  const detail = (r.detail ?? {}) as Record<string, unknown>;
  const cell = (v: unknown) => (v == null ? "" : typeof v === "object" ? flattenDetail(v).join("; ") : String(v));
  return {
    seq: Number(r.seq),
    createdAt: r.createdAt.toISOString(),
    kind: r.kind,
    bridge: names.bridge(r.bridgeId) ?? "",
    sessionId: r.sessionId ?? "",
    server: r.server ?? "",
    tool: r.tool ?? "",
    argumentsHash: r.argumentsHash ?? "",
    ruleName: r.ruleName ?? "",
    policyVersion: r.policyVersion ?? "",
    approvalId: r.approvalId ?? "",
    actor: names.actor(r.actorId) ?? "",
    principal: r.principal ?? "",
    latencyMs: r.latencyMs == null ? "" : r.latencyMs.toFixed(1),
    decision: cell(detail.decision),
    resultingStatus: cell(detail.resultingStatus),
    edited: cell(detail.edited),
    comment: cell(detail.comment),
    reason: cell(detail.reason),
    error: cell(detail.error),
    alert: cell(detail.alert),
    details: flattenDetail(detail).join("; "),
    hash: r.hash ?? "",
  };
}

/** The filters as the file's header records them (dates as ISO text). */
function filtersOf(query: TAuditExportQuery) {
  const { format: _format, ...filters } = query;
  return Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v]));
}

const isFiltered = (query: TAuditExportQuery, viewer: ExportViewer) =>
  viewer.role === "reviewer" || Object.keys(filtersOf(query)).some((k) => k !== "cursor" && k !== "limit");

async function* lines(query: TAuditExportQuery, viewer: ExportViewer): AsyncGenerator<string> {
  const where = await whereOf(query, viewer);
  const names = new Names();
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const isNdjson = query.format === "ndjson";
  const digest = createHash("sha256");
  const emit = (line: string) => {
    if (isNdjson) digest.update(line);
    return line;
  };
  if (isNdjson) {
    const key = auditSigningKey();
    yield emit(
      `${JSON.stringify({
        type: "header",
        format: "airlock.audit.export",
        v: CHAIN_VERSION,
        exportedAt: new Date().toISOString(),
        keyId: key.keyId,
        filters: filtersOf(query),
        // A filtered file leaves events out on purpose: its gaps are not deletions.
        filtered: isFiltered(query, viewer),
      })}\n`,
    );
  } else if (query.format === "csv") {
    yield stringify([], { header: true, columns: [...CSV_COLUMNS] });
  } else yield '{"events":[';
  let count = 0;
  let lastSeq = query.cursor ?? 0;
  let isTruncated = false;
  let after = BigInt(query.cursor ?? 0);
  while (where && count < limit) {
    // SQLite answers synchronously: without a turn of the event loop between pages, a long
    // export would run as one chain of microtasks and the dashboard would answer nothing else.
    await yieldToEventLoop();
    const page = await db.auditEvent.findMany({ where: { ...where, seq: { gt: after } }, orderBy: { seq: "asc" }, take: PAGE });
    if (!page.length) break;
    const first = page[0].seq!;
    const last = page[page.length - 1].seq!;
    after = last;
    const rows = page.filter((r) => matchesOutcome(r, query.outcome));
    await names.load(rows);
    const receipts = query.format === "csv" ? new Map<string, unknown>() : await receiptsOf(rows);
    const checkpoints = isNdjson ? await db.auditCheckpoint.findMany({ where: { seq: { gte: first, lte: last } }, orderBy: { seq: "asc" } }) : [];
    let c = 0;
    let chunk = "";
    for (const r of rows) {
      if (count >= limit) {
        isTruncated = true;
        break;
      }
      while (c < checkpoints.length && checkpoints[c].seq < r.seq!) chunk += checkpointLine(checkpoints[c++]);
      // Cells come from agents, upstream servers and bridges: one that starts like a formula (=, +, -, @) is escaped for spreadsheets.
      if (query.format === "csv") chunk += stringify([csvRow(r, names)], { columns: [...CSV_COLUMNS], escape_formulas: true });
      else if (isNdjson) chunk += `${JSON.stringify(eventJson(r, names, receipts))}\n`;
      else chunk += `${count ? "," : ""}${JSON.stringify(eventJson(r, names, receipts))}`;
      count++;
      lastSeq = Number(r.seq);
    }
    if (!isTruncated) while (c < checkpoints.length) chunk += checkpointLine(checkpoints[c++]);
    if (chunk) yield emit(chunk);
    if (page.length < PAGE) break;
  }
  const next = isTruncated || count >= limit ? String(lastSeq) : null;
  if (isNdjson) {
    const key = auditSigningKey();
    const fileDigest = digest.digest("hex");
    const trailer = { type: "trailer", events: count, lastSeq, next, digest: fileDigest, keyId: key.keyId };
    yield `${JSON.stringify({ ...trailer, signature: signMessage(key, trailerMessage(trailer)) })}\n`;
  } else if (query.format === "json") yield `],"next":${JSON.stringify(next)}}`;
}

export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function checkpointLine(c: { seq: bigint; hash: string; createdAt: Date; keyId: string; signature: string }): string {
  return `${JSON.stringify({ type: "checkpoint", seq: Number(c.seq), hash: c.hash, createdAt: c.createdAt.toISOString(), keyId: c.keyId, signature: c.signature })}\n`;
}

/**
 * Starts an export. The export is itself an audit event (who, which filters, which format),
 * written before the first byte goes out.
 */
export async function exportAudit({ query, viewer }: { query: TAuditExportQuery; viewer: ExportViewer }): Promise<AuditExport> {
  await recordAudit([{ kind: "audit_exported", actorId: viewer.id, detail: { format: query.format, filters: filtersOf(query) } }]);
  const encoder = new TextEncoder();
  const source = lines(query, viewer);
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await source.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        // A failure mid-stream must not look like a complete file: the stream errors (no trailer, no closing bracket).
        dashboardLog().error("audit export failed", error);
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
  const contentType = { csv: "text/csv; charset=utf-8", ndjson: "application/x-ndjson", json: "application/json" }[query.format];
  return { contentType, filename: `airlock-audit-${new Date().toISOString().slice(0, 10)}.${query.format}`, stream };
}
