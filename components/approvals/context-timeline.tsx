import type { TContextEntry } from "@/lib/bridge-api/bridge-api.types";

const LABEL: Record<TContextEntry["kind"], string> = {
  tool_call: "Tool call",
  tool_result: "Result",
  resource_read: "Resource read",
  prompt_get: "Prompt",
  sampling: "Sampling",
  note: "Agent note",
};

/** The session's earlier steps, oldest first. */
export function ContextTimeline({ entries }: { entries: TContextEntry[] }) {
  if (!entries.length) return <p className="text-sm text-slate-600">No earlier steps in this session.</p>;
  return (
    <ol className="relative space-y-3 border-l border-slate-200 pl-4">
      {entries.map((e, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a timeline never reorders, and its entries have no id of their own
        <li key={i} className="text-sm">
          <div className="flex flex-wrap items-baseline gap-2">
            <span className="font-medium">{LABEL[e.kind]}</span>
            {e.name && <span className="font-mono text-slate-800">{e.name}</span>}
            {e.outcome && <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700">{e.outcome}</span>}
            <time className="text-xs text-slate-500" dateTime={e.at}>
              {e.at.slice(11, 19)} UTC
            </time>
          </div>
          <p className="mt-0.5 break-words font-mono text-xs text-slate-700">{e.summary}</p>
        </li>
      ))}
    </ol>
  );
}
