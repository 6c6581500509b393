import { stringify } from "csv-stringify/sync";
import { db } from "../db/prisma";
import { isPostgres, placeholders } from "../db/raw-sql";
import type { TChart, TComplianceQuery } from "./report.types";

// What the Compliance page draws, computed in the database (grouped by day, by tool, by
// rule, by reviewer) so a range of a million events costs a few scans, not a million rows
// in memory. Each chart's rows are plain and flat: the same rows are its CSV download.

export interface ComplianceReport {
  from: string;
  to: string;
  /** Calls per day at the bridges: held, allowed, denied. */
  outcomesByDay: { day: string; allowed: number; denied: number; held: number }[];
  /** Time from request to decision, per day of the request (seconds). */
  decisionTimeByDay: { day: string; decided: number; p50: number; p90: number }[];
  decisionTime: { decided: number; p50: number | null; p90: number | null };
  rejectionsByTool: { server: string; tool: string; rejected: number; expired: number }[];
  rejectionsByRule: { rule: string; rejected: number; expired: number }[];
  reviewerWorkload: { reviewer: string; approved: number; rejected: number }[];
  topHeldTools: { server: string; tool: string; held: number }[];
  quarantinesByDay: { day: string; quarantined: number; approved: number }[];
}

/** One chart's rows as CSV (flat columns, the first row's keys). */
export function chartCsv(report: ComplianceReport, chart: TChart): string {
  const rows = report[chart] as Record<string, string | number>[];
  const columns = rows.length ? Object.keys(rows[0]) : [];
  return stringify(rows, { header: true, columns, escape_formulas: true });
}

const TOP = 10;

/** The day of a timestamp column as YYYY-MM-DD, in the database's own dialect (UTC). */
function dayOf(column: string): string {
  return isPostgres() ? `to_char("${column}", 'YYYY-MM-DD')` : `substr("${column}", 1, 10)`;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Every day of the range, so a quiet day shows as zero rather than missing. */
function daysOf(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t <= to.getTime(); t += 86_400_000) days.push(isoDay(new Date(t)));
  return days;
}

async function eventCounts(from: string, to: string) {
  const day = dayOf("createdAt");
  const rows = await db.$queryRawUnsafe<{ day: string; kind: string; n: number | bigint }[]>(
    placeholders(`SELECT ${day} AS "day", "kind", COUNT(*) AS "n" FROM "AuditEvent"
     WHERE ${day} BETWEEN $1 AND $2 AND "kind" IN ('allowed', 'denied', 'held', 'tool_quarantined', 'tool_definition_approved')
     GROUP BY ${day}, "kind"`),
    from,
    to,
  );
  const held = await db.$queryRawUnsafe<{ server: string | null; tool: string | null; n: number | bigint }[]>(
    placeholders(`SELECT "server", "tool", COUNT(*) AS "n" FROM "AuditEvent"
     WHERE ${day} BETWEEN $1 AND $2 AND "kind" = 'held'
     GROUP BY "server", "tool" ORDER BY COUNT(*) DESC LIMIT ${TOP}`),
    from,
    to,
  );
  return { rows: rows.map((r) => ({ ...r, n: Number(r.n) })), held: held.map((r) => ({ server: r.server ?? "", tool: r.tool ?? "", held: Number(r.n) })) };
}

export async function complianceReport(query: TComplianceQuery): Promise<ComplianceReport> {
  const from = isoDay(query.from);
  const to = isoDay(query.to);
  const end = new Date(`${to}T23:59:59.999Z`);
  const days = daysOf(query.from, end);
  const [{ rows, held }, requests, decisions] = await Promise.all([
    eventCounts(from, to),
    db.approvalRequest.findMany({
      where: { createdAt: { gte: new Date(`${from}T00:00:00.000Z`), lte: end }, status: { in: ["approved", "rejected", "expired"] } },
      select: { createdAt: true, decidedAt: true, status: true, server: true, tool: true, ruleName: true },
    }),
    db.decision.groupBy({
      by: ["reviewerId", "decision"],
      where: { createdAt: { gte: new Date(`${from}T00:00:00.000Z`), lte: end } },
      _count: { _all: true },
    }),
  ]);

  const byDay = new Map(days.map((d) => [d, { day: d, allowed: 0, denied: 0, held: 0 }]));
  const quarantines = new Map(days.map((d) => [d, { day: d, quarantined: 0, approved: 0 }]));
  for (const r of rows) {
    const quarantine = quarantines.get(r.day);
    const bucket = byDay.get(r.day);
    if (r.kind === "tool_quarantined") {
      if (quarantine) quarantine.quarantined += r.n;
    } else if (r.kind === "tool_definition_approved") {
      if (quarantine) quarantine.approved += r.n;
    } else if (bucket) bucket[r.kind as "allowed" | "denied" | "held"] += r.n;
  }

  // Time to decision: expiries are left out (nobody decided); they count in rejections below.
  const durations = new Map<string, number[]>();
  const all: number[] = [];
  const byTool = new Map<string, { server: string; tool: string; rejected: number; expired: number }>();
  const byRule = new Map<string, { rule: string; rejected: number; expired: number }>();
  for (const r of requests) {
    if (r.status !== "expired" && r.decidedAt) {
      const seconds = (r.decidedAt.getTime() - r.createdAt.getTime()) / 1000;
      const d = isoDay(r.createdAt);
      if (!durations.has(d)) durations.set(d, []);
      durations.get(d)!.push(seconds);
      all.push(seconds);
    }
    if (r.status === "approved") continue;
    const toolKey = `${r.server}\u0000${r.tool}`;
    const t = byTool.get(toolKey) ?? { server: r.server, tool: r.tool, rejected: 0, expired: 0 };
    t[r.status === "rejected" ? "rejected" : "expired"]++;
    byTool.set(toolKey, t);
    const rule = r.ruleName ?? "(policy default)";
    const u = byRule.get(rule) ?? { rule, rejected: 0, expired: 0 };
    u[r.status === "rejected" ? "rejected" : "expired"]++;
    byRule.set(rule, u);
  }
  all.sort((a, b) => a - b);
  const decisionTimeByDay = days.map((day) => {
    const sorted = (durations.get(day) ?? []).sort((a, b) => a - b);
    return { day, decided: sorted.length, p50: round1(percentile(sorted, 50)), p90: round1(percentile(sorted, 90)) };
  });

  const reviewers = await db.user.findMany({ where: { id: { in: [...new Set(decisions.map((d) => d.reviewerId))] } }, select: { id: true, email: true } });
  const emailOf = new Map(reviewers.map((u) => [u.id, u.email]));
  const workload = new Map<string, { reviewer: string; approved: number; rejected: number }>();
  for (const d of decisions) {
    const reviewer = emailOf.get(d.reviewerId) ?? d.reviewerId;
    const w = workload.get(reviewer) ?? { reviewer, approved: 0, rejected: 0 };
    if (d.decision === "approve") w.approved += d._count._all;
    else w.rejected += d._count._all;
    workload.set(reviewer, w);
  }
  const sum = (r: { rejected: number; expired: number }) => r.rejected + r.expired;
  return {
    from,
    to,
    outcomesByDay: [...byDay.values()],
    decisionTimeByDay,
    decisionTime: { decided: all.length, p50: all.length ? round1(percentile(all, 50)) : null, p90: all.length ? round1(percentile(all, 90)) : null },
    rejectionsByTool: [...byTool.values()].sort((a, b) => sum(b) - sum(a)).slice(0, TOP),
    rejectionsByRule: [...byRule.values()].sort((a, b) => sum(b) - sum(a)).slice(0, TOP),
    reviewerWorkload: [...workload.values()].sort((a, b) => b.approved + b.rejected - (a.approved + a.rejected)),
    topHeldTools: held,
    quarantinesByDay: [...quarantines.values()],
  };
}
