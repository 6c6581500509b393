import type { ReactNode } from "react";
import { DayBars, DayLines, NamedBars } from "@/components/compliance/charts";
import { BUTTON_SECONDARY } from "@/components/ui/field";
import { complianceReport } from "@/lib/compliance/report";
import { type TChart, ZComplianceQuery } from "@/lib/compliance/report.types";
import { db } from "@/lib/db/prisma";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

const COLORS = { allowed: "#16a34a", denied: "#dc2626", held: "#d97706", p50: "#2563eb", p90: "#7c3aed", expired: "#64748b" };

function Panel({ title, chart, range, note, children }: { title: string; chart: TChart; range: string; note?: ReactNode; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-4" aria-label={title}>
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        <a className="text-sm text-accent hover:underline" href={`/api/compliance?chart=${chart}&format=csv&${range}`} download>
          CSV
        </a>
      </div>
      {note ? <p className="mb-2 text-sm text-slate-600">{note}</p> : null}
      {children}
    </section>
  );
}

// Compliance (admins and auditors): what the agents did and how people decided, over a date
// range, each chart's data as CSV; the audit trail's exports; the chain's signed state.
export default async function CompliancePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePagePermission("admin:read", "/compliance");
  const raw = await searchParams;
  const input = Object.fromEntries(Object.entries(raw).filter(([k, v]) => v && ["from", "to"].includes(k)));
  const parsed = ZComplianceQuery.safeParse(input);
  const query = parsed.success ? parsed.data : ZComplianceQuery.parse({});
  const [report, head, checkpoint] = await Promise.all([
    complianceReport(query),
    db.auditChainHead.findUnique({ where: { id: 1 } }),
    db.auditCheckpoint.findFirst({ orderBy: { seq: "desc" } }),
  ]);
  const range = new URLSearchParams({ from: report.from, to: report.to }).toString();
  const exportRange = new URLSearchParams({ from: `${report.from}T00:00:00.000Z`, to: `${report.to}T23:59:59.999Z` }).toString();
  const totals = report.outcomesByDay.reduce((t, d) => ({ allowed: t.allowed + d.allowed, denied: t.denied + d.denied, held: t.held + d.held }), {
    allowed: 0,
    denied: 0,
    held: 0,
  });

  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Compliance</h1>
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-700">
          {parsed.error.issues[0]?.message ?? "The range was invalid"}; showing the last 30 days.
        </p>
      )}
      <form method="get" className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4">
        <label className="text-sm">
          <span className="block font-medium">From</span>
          <input type="date" name="from" defaultValue={report.from} className="mt-1 block rounded-md border border-slate-300 p-1.5" />
        </label>
        <label className="text-sm">
          <span className="block font-medium">To</span>
          <input type="date" name="to" defaultValue={report.to} className="mt-1 block rounded-md border border-slate-300 p-1.5" />
        </label>
        <button type="submit" className={BUTTON_SECONDARY}>
          Show
        </button>
        <span className="ml-auto flex flex-wrap gap-2">
          <a className={BUTTON_SECONDARY} href={`/api/audit/export?format=csv&${exportRange}`} download>
            Export CSV
          </a>
          <a className={BUTTON_SECONDARY} href={`/api/audit/export?format=ndjson&${exportRange}`} download>
            Export NDJSON (verifiable)
          </a>
        </span>
      </form>

      <section aria-label="Audit chain" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
        <h2 className="font-semibold">Audit chain</h2>
        <p className="mt-1 text-slate-700">
          {Number(head?.seq ?? 0).toLocaleString("en")} events chained; last signed checkpoint{" "}
          {checkpoint ? (
            <>
              at event {Number(checkpoint.seq).toLocaleString("en")} ({checkpoint.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC, key{" "}
              <code>{checkpoint.keyId}</code>)
            </>
          ) : (
            "none yet"
          )}
          . Verify an export offline with <code>npx airlock audit verify --file FILE.ndjson --public-key</code>{" "}
          <a className="text-accent underline" href="/.well-known/airlock-audit-keys.json">
            /.well-known/airlock-audit-keys.json
          </a>
          .
        </p>
      </section>

      <div className="grid gap-4 lg:grid-cols-2">
        <Panel
          title="Calls: held, allowed, denied"
          chart="outcomesByDay"
          range={range}
          note={`${totals.allowed.toLocaleString("en")} allowed, ${totals.denied.toLocaleString("en")} denied, ${totals.held.toLocaleString("en")} held`}
        >
          <DayBars
            label="Calls per day by outcome"
            data={report.outcomesByDay}
            isStacked
            series={[
              { key: "allowed", label: "allowed", color: COLORS.allowed },
              { key: "held", label: "held", color: COLORS.held },
              { key: "denied", label: "denied", color: COLORS.denied },
            ]}
          />
        </Panel>
        <Panel
          title="Time to decision"
          chart="decisionTimeByDay"
          range={range}
          note={
            report.decisionTime.decided
              ? `${report.decisionTime.decided} decided: p50 ${report.decisionTime.p50} s, p90 ${report.decisionTime.p90} s`
              : "No decisions in this range."
          }
        >
          <DayLines
            label="Seconds from request to decision, by day"
            data={report.decisionTimeByDay}
            unit=" s"
            series={[
              { key: "p50", label: "p50", color: COLORS.p50 },
              { key: "p90", label: "p90", color: COLORS.p90 },
            ]}
          />
        </Panel>
        <Panel title="Rejections and expiries by tool" chart="rejectionsByTool" range={range}>
          <NamedBars
            label="Rejected and expired requests by tool"
            data={report.rejectionsByTool.map((r) => ({ ...r, name: `${r.server}/${r.tool}` }))}
            nameKey="name"
            series={[
              { key: "rejected", label: "rejected", color: COLORS.denied },
              { key: "expired", label: "expired", color: COLORS.expired },
            ]}
          />
        </Panel>
        <Panel title="Rejections and expiries by rule" chart="rejectionsByRule" range={range}>
          <NamedBars
            label="Rejected and expired requests by rule"
            data={report.rejectionsByRule}
            nameKey="rule"
            series={[
              { key: "rejected", label: "rejected", color: COLORS.denied },
              { key: "expired", label: "expired", color: COLORS.expired },
            ]}
          />
        </Panel>
        <Panel title="Reviewer workload" chart="reviewerWorkload" range={range}>
          <NamedBars
            label="Decisions by reviewer"
            data={report.reviewerWorkload}
            nameKey="reviewer"
            series={[
              { key: "approved", label: "approved", color: COLORS.allowed },
              { key: "rejected", label: "rejected", color: COLORS.denied },
            ]}
          />
        </Panel>
        <Panel title="Top held tools" chart="topHeldTools" range={range}>
          <NamedBars
            label="Held calls by tool"
            data={report.topHeldTools.map((r) => ({ ...r, name: `${r.server}/${r.tool}` }))}
            nameKey="name"
            series={[{ key: "held", label: "held", color: COLORS.held }]}
          />
        </Panel>
        <Panel
          title="Quarantines"
          chart="quarantinesByDay"
          range={range}
          note="Tools whose definition changed after an admin enabled it, and changed definitions approved."
        >
          <DayBars
            label="Quarantined tools per day"
            data={report.quarantinesByDay}
            series={[
              { key: "quarantined", label: "quarantined", color: COLORS.denied },
              { key: "approved", label: "new definition approved", color: COLORS.allowed },
            ]}
          />
        </Panel>
      </div>
    </div>
  );
}
