import { diffLines } from "diff";
import type { TArgumentChange } from "@/lib/approvals/argument-diff";

/** A JSON value as a reader sees it: strings as their real text (line breaks, not `\n`), objects and arrays as nested lists. */
export function ValueView({ value }: { value: unknown }) {
  if (typeof value === "string") {
    return (
      <pre data-testid="string-value" className="whitespace-pre-wrap break-words rounded bg-slate-50 px-2 py-1 font-mono text-sm text-slate-900">
        {value === "" ? <span className="text-slate-500">(empty text)</span> : value}
      </pre>
    );
  }
  if (Array.isArray(value)) {
    if (!value.length) return <span className="font-mono text-sm text-slate-600">[] (empty list)</span>;
    return (
      <ol className="list-decimal space-y-1 pl-6">
        {value.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: positions are the identity of list items here
          <li key={i}>
            <ValueView value={item} />
          </li>
        ))}
      </ol>
    );
  }
  if (value && typeof value === "object") return <ArgumentsView value={value as Record<string, unknown>} />;
  return <span className="font-mono text-sm text-slate-900">{JSON.stringify(value)}</span>;
}

/** Every field of a call's arguments with its value shown as real text; the raw JSON a click away. */
export function ArgumentsView({ value, label }: { value: Record<string, unknown>; label?: string }) {
  const keys = Object.keys(value);
  return (
    <div className="space-y-2">
      {label && <p className="text-sm font-medium text-slate-700">{label}</p>}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-600">No arguments.</p>
      ) : (
        <dl className="space-y-2">
          {keys.map((key) => (
            <div key={key} className="min-w-0">
              <dt className="font-mono text-xs font-semibold text-slate-600">{key}</dt>
              <dd className="min-w-0">
                <ValueView value={value[key]} />
              </dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

/** What a reviewer changed: each changed field, a line diff for text, before and after for the rest. */
export function ArgumentsDiff({ changes }: { changes: TArgumentChange[] }) {
  if (!changes.length) return <p className="text-sm text-slate-600">The approved arguments are the ones the agent proposed.</p>;
  return (
    <ul data-testid="arguments-diff" className="space-y-3">
      {changes.map((c) => (
        <li key={c.path} className="space-y-1">
          <p className="text-sm">
            <span className="font-mono font-semibold">{c.path}</span> <span className="text-slate-600">{c.kind}</span>
          </p>
          {c.kind === "changed" ? (
            <pre className="overflow-x-auto whitespace-pre-wrap break-words rounded border border-slate-200 font-mono text-sm">
              {diffLines(asText(c.before), asText(c.after)).flatMap((part, i) =>
                part.value
                  .replace(/\n$/, "")
                  .split("\n")
                  .map((line, j) => {
                    const key = `${i}-${j}`;
                    if (part.added)
                      return (
                        <ins key={key} className="block bg-green-50 text-green-900 no-underline">
                          <span aria-hidden="true">+ </span>
                          {line}
                        </ins>
                      );
                    if (part.removed)
                      return (
                        <del key={key} className="block bg-red-50 text-red-900">
                          <span aria-hidden="true">- </span>
                          {line}
                        </del>
                      );
                    return (
                      <span key={key} className="block text-slate-700">
                        {"  "}
                        {line}
                      </span>
                    );
                  }),
              )}
            </pre>
          ) : (
            <pre
              className={`whitespace-pre-wrap break-words rounded px-2 font-mono text-sm ${c.kind === "added" ? "bg-green-50 text-green-900" : "bg-red-50 text-red-900"}`}
            >
              {asText(c.kind === "added" ? c.after : c.before)}
            </pre>
          )}
        </li>
      ))}
    </ul>
  );
}
