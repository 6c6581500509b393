"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

export interface UpstreamSecretRow {
  id: string;
  upstream: string;
  kind: string;
  name: string;
  bridge: string | null;
  version: number;
  updatedBy: string | null;
  updatedAt: string;
}

const SELECT = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2";

/**
 * Sets or replaces an upstream's credential. The value goes to the server and is never shown
 * again (not even to admins): replacing is how it is rotated.
 */
export function SetUpstreamSecret({ bridges }: { bridges: string[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  const [kind, setKind] = useState("env");
  return (
    <form
      aria-label="Set an upstream secret"
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-[1fr_auto_1fr_2fr_1fr_auto] lg:items-end"
      onSubmit={async (e) => {
        e.preventDefault();
        const target = e.currentTarget;
        const form = new FormData(target);
        const bridge = String(form.get("bridge"));
        const result = await sendJson<{ isNew: boolean; version: number }>("/api/secrets", "POST", {
          upstream: form.get("upstream"),
          kind: form.get("kind"),
          name: form.get("name"),
          value: form.get("value"),
          ...(bridge ? { bridge } : {}),
        });
        if (!result.ok) return setMessage({ isError: true, text: result.message });
        setMessage({
          isError: false,
          text: result.data.isNew ? "Saved. Bridges apply it now." : `Replaced (version ${result.data.version}). Bridges apply it now.`,
        });
        target.reset();
        setKind("env");
        router.refresh();
      }}
    >
      <Field label="Upstream" id="secret-upstream" name="upstream" required maxLength={40} placeholder="github" pattern="[A-Za-z][A-Za-z0-9_\-]{0,39}" />
      <div className="space-y-1">
        <label htmlFor="secret-kind" className="block text-sm font-medium text-slate-800">
          Kind
        </label>
        <select id="secret-kind" name="kind" value={kind} onChange={(e) => setKind(e.target.value)} className={SELECT}>
          <option value="env">environment variable</option>
          <option value="header">HTTP header</option>
        </select>
      </div>
      <Field
        label={kind === "env" ? "Variable" : "Header"}
        id="secret-name"
        name="name"
        required
        maxLength={128}
        placeholder={kind === "env" ? "GITHUB_TOKEN" : "Authorization"}
      />
      <Field label="Value" id="secret-value" name="value" type="password" required autoComplete="off" spellCheck={false} />
      <div className="space-y-1">
        <label htmlFor="secret-bridge" className="block text-sm font-medium text-slate-800">
          Bridge
        </label>
        <select id="secret-bridge" name="bridge" defaultValue="" className={SELECT}>
          <option value="">every bridge</option>
          {bridges.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className={BUTTON_PRIMARY}>
        Save secret
      </button>
      {message && (
        <p
          role={message.isError ? "alert" : "status"}
          className={`text-sm sm:col-span-2 lg:col-span-6 ${message.isError ? "text-red-800" : "text-emerald-900"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

export function DeleteUpstreamSecret({ secret }: { secret: UpstreamSecretRow }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const label = `${secret.kind === "env" ? "variable" : "header"} ${secret.name} of ${secret.upstream}`;
  return (
    <>
      <button
        type="button"
        className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-900 hover:bg-red-50"
        onClick={async () => {
          if (!window.confirm(`Remove the ${label}? Bridges start the server again without it.`)) return;
          const result = await sendJson(`/api/secrets/${secret.id}`, "DELETE", undefined);
          setError(result.ok ? null : result.message);
          router.refresh();
        }}
      >
        Remove <span className="sr-only">{label}</span>
      </button>
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </>
  );
}
