import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { BUTTON_SECONDARY } from "@/components/ui/field";
import { StatusBadge } from "@/components/ui/status-badge";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { ZListApprovalsQuery } from "@/lib/approvals/list-approvals.types";

export const dynamic = "force-dynamic";

const DECIDED = ["approved", "rejected", "expired", "withdrawn"] as const;

type TSearch = Record<string, string | undefined>;

/** The history's filters as the audit export takes them: the decisions (and withdrawals) they show. */
function auditExportQuery(filters: Record<string, string>): string {
  const query = new URLSearchParams();
  const statuses = filters.status ? [filters.status] : [...DECIDED];
  query.set("outcome", statuses.join(","));
  for (const name of ["tool", "server", "reviewer"] as const) if (filters[name]) query.set(name, filters[name]);
  // The form's days are whole days: `to` runs to the end of its day.
  if (filters.from) query.set("from", `${filters.from}T00:00:00.000Z`);
  if (filters.to) query.set("to", `${filters.to}T23:59:59.999Z`);
  return query.toString();
}

// Decided requests with filters (status, tool, server, reviewer, dates) as query parameters.
export default async function HistoryPage({ searchParams }: { searchParams: Promise<TSearch> }) {
  const raw = await searchParams;
  const input = Object.fromEntries(Object.entries(raw).filter(([k, v]) => v && ["status", "tool", "server", "reviewer", "from", "to", "cursor"].includes(k)));
  const parsed = ZListApprovalsQuery.safeParse(input);
  const query = parsed.success ? parsed.data : {};
  const status = query.status?.length ? query.status.filter((s) => s !== "pending") : [...DECIDED];
  const { items, nextCursor } = await listApprovals({ ...query, status, limit: 50 });
  const next = new URLSearchParams({ ...(input as Record<string, string>), cursor: nextCursor ?? "" });
  const exportQuery = auditExportQuery(input as Record<string, string>);

  return (
    <section className="space-y-4" aria-labelledby="history-heading">
      <h1 id="history-heading" className="text-2xl font-semibold">
        History
      </h1>
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-700">
          Some filters were invalid and were ignored.
        </p>
      )}
      <form method="get" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-3 lg:grid-cols-6">
        <label className="text-sm">
          <span className="block font-medium">Status</span>
          <select name="status" defaultValue={raw.status ?? ""} className="mt-1 block w-full rounded-md border border-slate-300 p-1.5">
            <option value="">all decided</option>
            {DECIDED.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {(["tool", "server", "reviewer"] as const).map((name) => (
          <label key={name} className="text-sm">
            <span className="block font-medium capitalize">{name === "reviewer" ? "Reviewer email" : name}</span>
            <input name={name} defaultValue={raw[name] ?? ""} className="mt-1 block w-full rounded-md border border-slate-300 p-1.5" />
          </label>
        ))}
        <label className="text-sm">
          <span className="block font-medium">From</span>
          <input type="date" name="from" defaultValue={raw.from ?? ""} className="mt-1 block w-full rounded-md border border-slate-300 p-1.5" />
        </label>
        <label className="text-sm">
          <span className="block font-medium">To</span>
          <input type="date" name="to" defaultValue={raw.to ?? ""} className="mt-1 block w-full rounded-md border border-slate-300 p-1.5" />
        </label>
        <div className="flex flex-wrap gap-2 sm:col-span-3 lg:col-span-6">
          <button type="submit" className={BUTTON_SECONDARY}>
            Filter
          </button>
          <span className="ml-auto flex gap-2">
            <a className={BUTTON_SECONDARY} href={`/api/audit/export?format=csv&${exportQuery}`} download>
              Export CSV
            </a>
            <a className={BUTTON_SECONDARY} href={`/api/audit/export?format=ndjson&${exportQuery}`} download>
              Export NDJSON
            </a>
          </span>
        </div>
      </form>
      <DataTable columns={["Tool", "Server", "Status", "Bridge", "Asked"]} isEmpty={items.length === 0} empty="No decided requests match.">
        {items.map((a) => (
          <tr key={a.id} className="border-t border-slate-100">
            <td className="px-3 py-2">
              <Link href={`/approvals/${a.id}`} className="font-mono text-accent hover:underline">
                {a.tool}
              </Link>
            </td>
            <td className="px-3 py-2">{a.server}</td>
            <td className="px-3 py-2">
              <StatusBadge status={a.status} />
            </td>
            <td className="px-3 py-2">{a.bridgeName}</td>
            <td className="px-3 py-2">
              <time dateTime={a.createdAt}>{a.createdAt.replace("T", " ").slice(0, 19)} UTC</time>
            </td>
          </tr>
        ))}
      </DataTable>
      {nextCursor && (
        <Link href={`/history?${next}`} className={BUTTON_SECONDARY}>
          Load more
        </Link>
      )}
    </section>
  );
}
