const STYLES: Record<string, string> = {
  pending: "bg-amber-100 text-amber-900 ring-amber-300",
  approved: "bg-green-100 text-green-900 ring-green-300",
  rejected: "bg-red-100 text-red-900 ring-red-300",
  expired: "bg-slate-200 text-slate-800 ring-slate-300",
  withdrawn: "bg-slate-200 text-slate-800 ring-slate-300",
  enabled: "bg-green-100 text-green-900 ring-green-300",
  disabled: "bg-slate-200 text-slate-800 ring-slate-300",
  quarantined: "bg-red-100 text-red-900 ring-red-300",
};

export function StatusBadge({ status, outcome }: { status: string; outcome?: string | null }) {
  const label = outcome && outcome !== status ? `${status} · ${outcome.replaceAll("_", " ")}` : status;
  return (
    <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ring-1 ${STYLES[status] ?? STYLES.expired}`}>{label}</span>
  );
}
