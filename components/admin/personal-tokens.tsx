"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";
import { formatUtc } from "@/components/ui/format-utc";
import { sendJson } from "@/components/ui/send-json";
import { OneTimeSecret } from "./one-time-secret";

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** The signed-in user's own API tokens: create (shown once), list, revoke. */
export function PersonalTokens({ tokens }: { tokens: TokenRow[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  return (
    <div className="space-y-4">
      <form
        aria-label="Create a token"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end"
        onSubmit={async (e) => {
          e.preventDefault();
          const target = e.currentTarget;
          const form = new FormData(target);
          const name = String(form.get("name"));
          const date = String(form.get("expires") ?? "");
          // A date means "through the end of that day", UTC.
          const expiresAt = date ? new Date(`${date}T23:59:59Z`).toISOString() : null;
          const result = await sendJson<{ token: string }>("/api/tokens", "POST", { name, expiresAt });
          if (!result.ok) return setError(result.message);
          setError(null);
          setCreated({ name, token: result.data.token });
          target.reset();
          router.refresh();
        }}
      >
        <Field label="Token name" id="token-name" name="name" required maxLength={100} />
        <Field label="Expires (optional)" id="token-expires" name="expires" type="date" />
        <button type="submit" className={BUTTON_PRIMARY}>
          Create token
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {created && (
        <OneTimeSecret label={`Token "${created.name}"`} value={created.token}>
          <p className="text-amber-950">
            Send it as <code>Authorization: Bearer …</code> to the REST API.
          </p>
        </OneTimeSecret>
      )}
      <TokenTable
        rows={tokens}
        columns={["Name", "Token", "Created", "Last used", "Expires", ""]}
        cells={(t) => [t.name, `${t.prefix}…`, formatUtc(t.createdAt), formatUtc(t.lastUsedAt), t.expiresAt ? formatUtc(t.expiresAt) : "never"]}
        revokeUrl={(t) => `/api/tokens/${t.id}/revoke`}
        onError={setError}
      />
    </div>
  );
}

/** A table of tokens with a revoke button per live one (personal and bridge tokens alike). */
export function TokenTable<T extends { id: string; name: string; revokedAt: string | null }>({
  rows,
  columns,
  cells,
  revokeUrl,
  onError,
  testId = "token-table",
}: {
  rows: T[];
  columns: string[];
  cells: (row: T) => React.ReactNode[];
  revokeUrl: ((row: T) => string) | null;
  onError: (message: string | null) => void;
  testId?: string;
}) {
  const router = useRouter();
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm" data-testid={testId}>
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            {columns.map((c, i) => (
              <th key={c || i} scope="col" className="px-3 py-2">
                {c || <span className="sr-only">Actions</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="px-3 py-6 text-center text-slate-600">
                None yet.
              </td>
            </tr>
          )}
          {rows.map((row) => (
            <tr key={row.id} className="border-t border-slate-100" data-testid="token-row">
              {cells(row).map((cell, i) => (
                <td key={columns[i] || i} className={`px-3 py-2 ${i === 1 ? "font-mono text-xs" : ""}`}>
                  {cell}
                </td>
              ))}
              {revokeUrl && (
                <td className="px-3 py-2">
                  {row.revokedAt ? (
                    <span className="text-xs text-slate-600">revoked {formatUtc(row.revokedAt)}</span>
                  ) : (
                    <button
                      type="button"
                      className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-900 hover:bg-red-50"
                      onClick={async () => {
                        if (!window.confirm(`Revoke "${row.name}"? Anything using it stops working.`)) return;
                        const result = await fetch(revokeUrl(row), { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
                        onError(result.ok ? null : ((await result.json().catch(() => null))?.error?.message ?? `failed (${result.status})`));
                        router.refresh();
                      }}
                    >
                      Revoke <span className="sr-only">{row.name}</span>
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
