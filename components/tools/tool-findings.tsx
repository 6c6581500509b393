import type { TFinding } from "@/lib/detectors/detector.types";

const TONE = {
  high: "border-red-300 bg-red-50 text-red-900",
  medium: "border-amber-300 bg-amber-50 text-amber-900",
  low: "border-slate-200 bg-slate-50 text-slate-800",
} as const;

/** A compact severity label for a table row. */
export function FindingBadge({ severity }: { severity: TFinding["severity"] | null }) {
  if (!severity || severity === "low") return null;
  return (
    <span className={`ml-2 rounded border px-1.5 py-0.5 text-xs font-semibold ${TONE[severity]}`} data-testid="finding-badge">
      {severity} finding
    </span>
  );
}

/** The text around a finding's span, with the span marked. */
function InContext({ text, finding }: { text: string | undefined; finding: Pick<TFinding, "evidence"> }) {
  if (!text) return <mark className="rounded bg-red-200 px-0.5">{finding.evidence.text}</mark>;
  const from = Math.max(0, finding.evidence.start - 80);
  const to = Math.min(text.length, finding.evidence.end + 80);
  return (
    <>
      {from > 0 && "…"}
      {text.slice(from, finding.evidence.start)}
      <mark className="rounded bg-red-200 px-0.5">{text.slice(finding.evidence.start, finding.evidence.end)}</mark>
      {text.slice(finding.evidence.end, to)}
      {to < text.length && "…"}
    </>
  );
}

/** What the detectors found in a tool's definition, each span shown in place; the most severe first. */
export function ToolFindings({
  findings,
  textAt,
  emptyText = "The detectors found nothing in this definition.",
}: {
  findings: Pick<TFinding, "detector" | "version" | "severity" | "message" | "location" | "evidence">[];
  textAt: Record<string, string>;
  emptyText?: string;
}) {
  if (!findings.length) return <p className="text-sm text-slate-600">{emptyText}</p>;
  return (
    <ul className="space-y-2" data-testid="tool-findings">
      {findings.map((f, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: findings are computed per render and never reordered
        <li key={i} className={`rounded-md border p-3 text-sm ${TONE[f.severity]}`}>
          <p className="font-semibold">
            {f.severity}: {f.message}{" "}
            <span className="font-normal">
              ({f.detector} v{f.version}, in <code>{f.location}</code>)
            </span>
          </p>
          <p className="mt-1 whitespace-pre-wrap break-words font-mono text-xs">
            <InContext text={textAt[f.location]} finding={f} />
          </p>
        </li>
      ))}
    </ul>
  );
}
