"use client";

import { useState } from "react";
import { BUTTON_SECONDARY } from "@/components/ui/field";

interface DiffAnswer {
  from: number;
  to: number;
  added: number;
  removed: number;
  lines: { type: "added" | "removed" | "same"; text: string }[];
}

const TONE = { added: "bg-emerald-50 text-emerald-950", removed: "bg-red-50 text-red-950", same: "text-slate-600" } as const;
const SIGN = { added: "+", removed: "-", same: " " } as const;

/** Compares any two policy versions as a line diff of their policy files. */
export function VersionDiff({ versions }: { versions: number[] }) {
  const [from, setFrom] = useState(versions[1] ?? versions[0]);
  const [to, setTo] = useState(versions[0]);
  const [diff, setDiff] = useState<DiffAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const select = (id: string, label: string, value: number | undefined, set: (n: number) => void) => (
    <span className="inline-flex items-center gap-1">
      <label htmlFor={id} className="text-sm text-slate-700">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => set(Number(e.target.value))} className="rounded border border-slate-300 bg-white px-2 py-1 text-sm">
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </span>
  );
  if (versions.length < 2) return <p className="text-sm text-slate-600">Only one version so far: nothing to compare.</p>;
  return (
    <div className="space-y-2">
      <form
        className="flex flex-wrap items-center gap-3"
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await fetch(`/api/rules/versions/diff?from=${from}&to=${to}`);
          const body = await res.json().catch(() => null);
          if (!res.ok) return setError(body?.error?.message ?? `failed (${res.status})`);
          setError(null);
          setDiff(body);
        }}
      >
        {select("diff-from", "From", from, setFrom)}
        {select("diff-to", "to", to, setTo)}
        <button type="submit" className={BUTTON_SECONDARY}>
          Compare versions
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {diff && (
        <div data-testid="version-diff" className="space-y-1">
          <p className="text-sm text-slate-700">
            v{diff.from} → v{diff.to}: <span className="text-emerald-900">{diff.added} added</span>,{" "}
            <span className="text-red-900">{diff.removed} removed</span> line(s)
          </p>
          <pre className="max-h-[28rem] overflow-auto rounded-lg border border-slate-200 bg-white py-2 text-xs">
            {diff.lines.map((line, i) => (
              // Lines have no identity but their place in the diff.
              // biome-ignore lint/suspicious/noArrayIndexKey: the diff is rendered whole, never reordered
              <div key={i} className={`px-3 ${TONE[line.type]}`} data-diff={line.type}>
                <span aria-hidden="true" className="mr-2 select-none">
                  {SIGN[line.type]}
                </span>
                <span className="sr-only">{line.type === "same" ? "" : `${line.type}: `}</span>
                {line.text}
              </div>
            ))}
          </pre>
        </div>
      )}
    </div>
  );
}
