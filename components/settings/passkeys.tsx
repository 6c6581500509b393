"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";
import { formatUtc } from "@/components/ui/format-utc";
import { sendJson } from "@/components/ui/send-json";

type Passkey = { id: string; name: string; createdAt: string; lastUsedAt: string | null };

/** Why the browser's passkey prompt ended without a passkey, in words. */
export function ceremonyError(error: unknown): string {
  const name = (error as { name?: string })?.name;
  if (name === "NotAllowedError" || name === "AbortError") return "The passkey prompt was cancelled or timed out.";
  if (name === "InvalidStateError") return "This device already holds one of your passkeys.";
  return (error as Error)?.message || "The passkey prompt failed.";
}

/** The signed-in reviewer's passkeys: add (named), list, delete. */
export function Passkeys({ initial }: { initial: Passkey[] }) {
  const [passkeys, setPasskeys] = useState(initial);
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);

  async function add() {
    if (!name.trim()) return setMessage({ kind: "error", text: "Give the passkey a name (for example, the device it is on)." });
    setBusy(true);
    setMessage(null);
    try {
      const options = await sendJson<Parameters<typeof startRegistration>[0]["optionsJSON"]>("/api/me/passkeys/options", "POST", {});
      if (!options.ok) return setMessage({ kind: "error", text: options.message });
      let response: Awaited<ReturnType<typeof startRegistration>>;
      try {
        response = await startRegistration({ optionsJSON: options.data });
      } catch (error) {
        return setMessage({ kind: "error", text: ceremonyError(error) });
      }
      const added = await sendJson<Passkey>("/api/me/passkeys", "POST", { name: name.trim(), response });
      if (!added.ok) return setMessage({ kind: "error", text: added.message });
      setPasskeys((list) => [added.data, ...list]);
      setName("");
      setMessage({ kind: "info", text: `Passkey "${added.data.name}" added.` });
    } finally {
      setBusy(false);
    }
  }

  async function remove(passkey: Passkey) {
    if (!window.confirm(`Delete the passkey "${passkey.name}"? It will no longer confirm you on review links.`)) return;
    const res = await fetch(`/api/me/passkeys/${encodeURIComponent(passkey.id)}`, { method: "DELETE" });
    if (!res.ok) {
      const json = await res.json().catch(() => null);
      return setMessage({ kind: "error", text: json?.error?.message ?? `failed (${res.status})` });
    }
    setPasskeys((list) => list.filter((p) => p.id !== passkey.id));
    setMessage({ kind: "info", text: `Passkey "${passkey.name}" deleted.` });
  }

  return (
    <div className="space-y-4">
      <form
        className="flex max-w-md flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="flex-1">
          <Field label="Passkey name" id="passkey-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="My phone" />
        </div>
        <button type="submit" className={BUTTON_PRIMARY} disabled={busy}>
          Add a passkey
        </button>
      </form>
      {message && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={`text-sm font-medium ${message.kind === "error" ? "text-red-700" : "text-green-800"}`}
        >
          {message.text}
        </p>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm" data-testid="passkey-table">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                Name
              </th>
              <th scope="col" className="px-3 py-2">
                Created
              </th>
              <th scope="col" className="px-3 py-2">
                Last used
              </th>
              <th scope="col" className="px-3 py-2">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {passkeys.length === 0 && (
              <tr>
                <td colSpan={4} className="px-3 py-6 text-center text-slate-600">
                  No passkeys yet.
                </td>
              </tr>
            )}
            {passkeys.map((p) => (
              <tr key={p.id} className="border-t border-slate-100" data-testid="passkey-row">
                <td className="px-3 py-2 font-medium">{p.name}</td>
                <td className="px-3 py-2">{formatUtc(p.createdAt)}</td>
                <td className="px-3 py-2">{formatUtc(p.lastUsedAt)}</td>
                <td className="px-3 py-2">
                  <button
                    type="button"
                    className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-900 hover:bg-red-50"
                    onClick={() => void remove(p)}
                  >
                    Delete <span className="sr-only">{p.name}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
