"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";
import { OneTimeSecret } from "./one-time-secret";

/** Registers a bridge and shows its token once, with the command line that uses it. */
export function CreateBridgeToken() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return (
    <div className="space-y-3">
      <form
        aria-label="Create a bridge token"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end"
        onSubmit={async (e) => {
          e.preventDefault();
          const target = e.currentTarget;
          const form = new FormData(target);
          const name = String(form.get("name"));
          const result = await sendJson<{ token: string }>("/api/bridges", "POST", { name, newTools: form.get("newTools") });
          if (!result.ok) return setError(result.message);
          setError(null);
          setCreated({ name, token: result.data.token });
          target.reset();
          router.refresh();
        }}
      >
        <Field label="Bridge name" id="bridge-name" name="name" required maxLength={100} placeholder="my-laptop" />
        <div className="space-y-1">
          <label htmlFor="bridge-new-tools" className="block text-sm font-medium text-slate-800">
            New tools
          </label>
          <select id="bridge-new-tools" name="newTools" defaultValue="disabled" className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2">
            <option value="disabled">disabled until reviewed</option>
            <option value="enabled">enabled at once</option>
          </select>
        </div>
        <button type="submit" className={BUTTON_PRIMARY}>
          Create bridge token
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {created && (
        <OneTimeSecret label={`Token for bridge "${created.name}"`} value={created.token}>
          <p className="text-amber-950">Run the bridge in front of your MCP server with:</p>
          <pre className="overflow-x-auto rounded bg-slate-900 p-2 text-xs text-slate-50" data-testid="bridge-command">
            {`AIRLOCK_BRIDGE_TOKEN=${created.token} npx airlock-bridge --dashboard ${origin} --upstream "<your MCP server command>"`}
          </pre>
        </OneTimeSecret>
      )}
    </div>
  );
}

export function RevokeBridgeButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-900 hover:bg-red-50"
        onClick={async () => {
          if (!window.confirm(`Revoke the token of bridge "${name}"? It stops working at once.`)) return;
          const result = await sendJson(`/api/bridges/${id}/revoke`, "POST", {});
          setError(result.ok ? null : result.message);
          router.refresh();
        }}
      >
        Revoke <span className="sr-only">{name}</span>
      </button>
      {error && (
        <span role="alert" className="ml-2 text-xs text-red-800">
          {error}
        </span>
      )}
    </>
  );
}

export function RefreshButton() {
  const router = useRouter();
  return (
    <button type="button" className={BUTTON_SECONDARY} onClick={() => router.refresh()}>
      Refresh
    </button>
  );
}
