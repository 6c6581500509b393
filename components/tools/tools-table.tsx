"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { FindingBadge } from "@/components/tools/tool-findings";
import { BUTTON_SECONDARY } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";
import { StatusBadge } from "@/components/ui/status-badge";
import type { InventoryRow } from "@/lib/tools/inventory";

const HINTS = [
  ["readOnlyHint", "read-only", "bg-sky-100 text-sky-900"],
  ["destructiveHint", "destructive", "bg-red-100 text-red-900"],
  ["idempotentHint", "idempotent", "bg-slate-100 text-slate-800"],
  ["openWorldHint", "open world", "bg-violet-100 text-violet-900"],
] as const;

/** The server's hints as badges (only those it declared true; they are the server's claims, not facts). */
function Annotations({ annotations }: { annotations: InventoryRow["annotations"] }) {
  const shown = HINTS.filter(([hint]) => annotations[hint] === true);
  if (!shown.length) return <span className="text-xs text-slate-500">none</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map(([hint, label, tone]) => (
        <span key={hint} className={`rounded px-1.5 py-0.5 text-xs font-medium ${tone}`} title={hint}>
          {label}
        </span>
      ))}
    </span>
  );
}

/** A read-only tool a bulk enable may take: reviewable in one action (not changed since approval, no high finding). */
const isBulkReadOnly = (t: InventoryRow) =>
  t.kind === "tool" && t.annotations.readOnlyHint === true && (t.status === "pending" || t.status === "disabled") && t.finding !== "high";

/** The inventory with search, annotation badges and bulk decisions (each tool through the same server-side checks). */
export function ToolsTable({ tools, canEdit }: { tools: InventoryRow[]; canEdit: boolean }) {
  const router = useRouter();
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const q = query.trim().toLowerCase();
  const shown = useMemo(
    () => (q ? tools.filter((t) => [t.name, t.server, t.description ?? ""].some((field) => field.toLowerCase().includes(q))) : tools),
    [tools, q],
  );
  const servers = [...new Set(tools.map((t) => t.server))].sort();

  async function decide(action: "enable" | "disable", rows: InventoryRow[], what: string) {
    if (!rows.length) return;
    setBusy(true);
    const result = await sendJson("/api/tools/bulk", "POST", { action, tools: rows.map((t) => ({ id: t.id, definitionHash: t.definitionHash })) });
    setBusy(false);
    setMessage(
      result.ok ? { ok: true, text: `${action === "enable" ? "Enabled" : "Disabled"} ${rows.length} tool(s)${what}.` } : { ok: false, text: result.message },
    );
    if (result.ok) setSelected(new Set());
    router.refresh();
  }
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const chosen = tools.filter((t) => selected.has(t.id));
  const allShownSelected = shown.length > 0 && shown.every((t) => selected.has(t.id));

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="tool-search" className="block text-sm font-medium text-slate-800">
            Search tools
          </label>
          <input
            id="tool-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="name, server or description"
            className="w-72 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          />
        </div>
        {canEdit && (
          <>
            <button type="button" className={BUTTON_SECONDARY} disabled={busy || !chosen.length} onClick={() => decide("enable", chosen, "")}>
              Enable selected ({chosen.length})
            </button>
            <button type="button" className={BUTTON_SECONDARY} disabled={busy || !chosen.length} onClick={() => decide("disable", chosen, "")}>
              Disable selected ({chosen.length})
            </button>
          </>
        )}
      </div>
      {canEdit && servers.length > 0 && (
        <fieldset className="flex flex-wrap gap-2 text-sm">
          <legend className="sr-only">Enable read-only tools by server</legend>
          {servers.map((server) => {
            const rows = tools.filter((t) => t.server === server && isBulkReadOnly(t));
            return (
              <button
                key={server}
                type="button"
                className="rounded border border-sky-300 bg-sky-50 px-2 py-1 text-xs text-sky-950 hover:bg-sky-100 disabled:opacity-50"
                disabled={busy || !rows.length}
                onClick={() => {
                  if (window.confirm(`Enable the ${rows.length} read-only tool(s) of ${server}? Each definition is pinned as you see it now.`))
                    void decide("enable", rows, ` of ${server}`);
                }}
              >
                Enable all read-only tools of {server} ({rows.length})
              </button>
            );
          })}
        </fieldset>
      )}
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`text-sm ${message.ok ? "text-emerald-900" : "text-red-800"}`} data-testid="bulk-message">
          {message.text}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm" data-testid="tool-inventory">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              {canEdit && (
                <th scope="col" className="px-3 py-2">
                  <input
                    type="checkbox"
                    aria-label="Select all shown tools"
                    checked={allShownSelected}
                    onChange={() => setSelected(allShownSelected ? new Set() : new Set(shown.map((t) => t.id)))}
                  />
                </th>
              )}
              {["Server", "Tool", "Status", "Annotations", "Description", "Last used"].map((c) => (
                <th key={c} scope="col" className="px-3 py-2">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && (
              <tr>
                <td colSpan={canEdit ? 7 : 6} className="px-3 py-6 text-center text-slate-600">
                  {tools.length ? "No tool matches the search." : "No tools yet: they appear when a bridge connects to its servers."}
                </td>
              </tr>
            )}
            {shown.map((t) => (
              <tr key={t.id} className="border-t border-slate-100" data-testid="tool-row">
                {canEdit && (
                  <td className="px-3 py-2">
                    <input type="checkbox" aria-label={`Select ${t.server} / ${t.name}`} checked={selected.has(t.id)} onChange={() => toggle(t.id)} />
                  </td>
                )}
                <td className="px-3 py-2">{t.server}</td>
                <td className="px-3 py-2 font-medium">
                  <Link className="text-accent underline-offset-2 hover:underline" href={`/tools/${t.id}`}>
                    {t.kind !== "tool" && (
                      <span className="mr-1 rounded bg-slate-100 px-1 text-xs font-normal text-slate-700">
                        {t.kind === "prompt" ? "prompt" : "resource template"}
                      </span>
                    )}
                    {t.name}
                  </Link>
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={t.status} />
                  {t.isChanged && t.status !== "quarantined" && <span className="ml-2 text-xs text-red-800">definition changed</span>}
                  <FindingBadge severity={t.finding} />
                </td>
                <td className="px-3 py-2">
                  <Annotations annotations={t.annotations} />
                </td>
                <td className="max-w-md truncate px-3 py-2 text-slate-700" title={t.description ?? ""}>
                  {t.description}
                </td>
                <td className="px-3 py-2">{t.lastUsedAt ? `${t.lastUsedAt.slice(0, 10)}` : "never"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
