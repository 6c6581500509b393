"use client";

import { useCallback, useEffect, useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

const EVENT_TYPES = ["approval.created", "approval.decided", "approval.expired", "approval.escalated"] as const;

interface Endpoint {
  id: string;
  url: string;
  eventTypes: string[];
  format: string;
  enabled: boolean;
  description: string | null;
}

interface Delivery {
  id: string;
  eventType: string;
  messageId: string;
  status: string;
  attempts: number;
  responseCode: number | null;
  lastError: string | null;
  attemptLog: { at: string; responseCode: number | null; error: string | null; durationMs: number }[];
  nextAttemptAt: string | null;
  createdAt: string;
}

/** What the webhook routes answer: an endpoint (with its secret once), or a delivery. */
interface ActionResult {
  secret?: string;
  status?: string;
  responseCode?: number | null;
  lastError?: string | null;
}

const time = (iso: string) => `${iso.replace("T", " ").slice(0, 19)} UTC`;

/** The secret, once: after this panel is closed nobody can see it again (rotate for a new one). */
function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div role="status" className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p className="font-semibold">The signing secret — copy it now, it will not be shown again:</p>
      <code data-testid="webhook-secret" className="block break-all rounded bg-white p-2 font-mono text-xs">
        {secret}
      </code>
      <button type="button" className={BUTTON_SECONDARY} onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [deliveries, setDeliveries] = useState<Delivery[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    const res = await fetch(`/api/webhooks/${endpointId}/deliveries?limit=50`);
    const json = await res.json().catch(() => null);
    if (res.ok) setDeliveries(json.deliveries);
    else setError(json?.error?.message ?? `failed (${res.status})`);
  }, [endpointId]);
  useEffect(() => {
    void load();
  }, [load]);
  if (error)
    return (
      <p role="alert" className="text-xs text-red-800">
        {error}
      </p>
    );
  if (!deliveries) return <p className="text-sm text-slate-600">Loading the delivery log…</p>;
  return (
    <div className="space-y-2">
      <button type="button" className={BUTTON_SECONDARY} onClick={load}>
        Refresh
      </button>
      <table className="min-w-full text-left text-xs" data-testid={`deliveries-${endpointId}`}>
        <thead className="bg-slate-100 text-slate-700">
          <tr>
            <th scope="col" className="px-2 py-1">
              Created
            </th>
            <th scope="col" className="px-2 py-1">
              Event
            </th>
            <th scope="col" className="px-2 py-1">
              Status
            </th>
            <th scope="col" className="px-2 py-1">
              Attempts (code, error)
            </th>
            <th scope="col" className="px-2 py-1">
              Next attempt
            </th>
            <th scope="col" className="px-2 py-1">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {deliveries.length === 0 && (
            <tr>
              <td colSpan={6} className="px-2 py-3 text-center text-slate-600">
                No deliveries yet.
              </td>
            </tr>
          )}
          {deliveries.map((d) => (
            <tr key={d.id} className="border-t border-slate-100 align-top">
              <td className="px-2 py-1">{time(d.createdAt)}</td>
              <td className="px-2 py-1 font-mono">{d.eventType}</td>
              <td className="px-2 py-1">{d.status}</td>
              <td className="px-2 py-1">
                <ol className="list-decimal pl-4">
                  {d.attemptLog.map((a) => (
                    <li key={a.at}>
                      {time(a.at)}: {a.responseCode ?? "no answer"}
                      {a.error ? ` — ${a.error}` : ""} ({a.durationMs} ms)
                    </li>
                  ))}
                </ol>
              </td>
              <td className="px-2 py-1">{d.nextAttemptAt ? time(d.nextAttemptAt) : "—"}</td>
              <td className="px-2 py-1">
                <button
                  type="button"
                  className="text-accent underline"
                  onClick={async () => {
                    const result = await sendJson(`/api/webhooks/deliveries/${d.id}/redeliver`, "POST", {});
                    setError(result.ok ? null : result.message);
                    await load();
                  }}
                >
                  Redeliver
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Webhook endpoints: add one (its secret shown once), switch, test, rotate, delete, and read its delivery log. */
export function WebhooksAdmin() {
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [openLog, setOpenLog] = useState<string | null>(null);
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState("standard");
  const [types, setTypes] = useState<string[]>([...EVENT_TYPES]);

  const load = useCallback(async () => {
    const res = await fetch("/api/webhooks");
    const json = await res.json().catch(() => null);
    if (res.ok) setEndpoints(json.endpoints);
    else setError(json?.error?.message ?? `failed (${res.status})`);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (path: string, method: "POST" | "PATCH", body: unknown, describe: (data: ActionResult) => string | null) => {
    const result = await sendJson<ActionResult>(path, method, body);
    setError(result.ok ? null : result.message);
    if (result.ok) {
      setNotice(describe(result.data));
      if (result.data?.secret) setSecret(result.data.secret);
    }
    await load();
  };

  return (
    <div className="space-y-6">
      {secret && <SecretOnce secret={secret} onDone={() => setSecret(null)} />}
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {notice && (
        <p role="status" className="text-sm text-slate-700">
          {notice}
        </p>
      )}
      <form
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
        onSubmit={async (e) => {
          e.preventDefault();
          await act("/api/webhooks", "POST", { url, format, eventTypes: types }, () => "Endpoint added.");
          setUrl("");
        }}
      >
        <h2 className="font-semibold">Add an endpoint</h2>
        <Field label="URL (http or https)" id="webhook-url" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
        <div className="space-y-1">
          <label htmlFor="webhook-format" className="block text-sm font-medium text-slate-800">
            Format
          </label>
          <select
            id="webhook-format"
            value={format}
            onChange={(e) => setFormat(e.target.value)}
            className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
          >
            <option value="standard">Standard Webhooks (signed JSON event)</option>
            <option value="slack">Slack incoming webhook ({"{text, blocks}"})</option>
          </select>
        </div>
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          {EVENT_TYPES.map((t) => (
            <label key={t} className="mr-4 inline-flex items-center gap-1 text-sm">
              <input type="checkbox" checked={types.includes(t)} onChange={(e) => setTypes(e.target.checked ? [...types, t] : types.filter((x) => x !== t))} />
              <code>{t}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" className={BUTTON_PRIMARY}>
          Add endpoint
        </button>
      </form>

      <div className="space-y-4">
        {endpoints.length === 0 && <p className="text-sm text-slate-600">No webhook endpoints yet.</p>}
        {endpoints.map((e) => (
          <div key={e.id} className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" data-testid={`endpoint-${e.id}`}>
            <p className="break-all font-mono text-sm">{e.url}</p>
            <p className="text-xs text-slate-600">
              {e.format === "slack" ? "Slack format" : "Standard Webhooks"} · {e.eventTypes.join(", ")} · {e.enabled ? "enabled" : "disabled"}
            </p>
            <div className="flex flex-wrap gap-2">
              <button type="button" className={BUTTON_SECONDARY} onClick={() => act(`/api/webhooks/${e.id}`, "PATCH", { enabled: !e.enabled }, () => null)}>
                {e.enabled ? "Disable" : "Enable"}
              </button>
              <button
                type="button"
                className={BUTTON_SECONDARY}
                onClick={() =>
                  act(
                    `/api/webhooks/${e.id}/test`,
                    "POST",
                    {},
                    (d) => `Test event: ${d.status}${d.responseCode ? ` (HTTP ${d.responseCode})` : ""}${d.lastError ? ` — ${d.lastError}` : ""}`,
                  )
                }
              >
                Send test event
              </button>
              <button
                type="button"
                className={BUTTON_SECONDARY}
                onClick={() => act(`/api/webhooks/${e.id}/rotate-secret`, "POST", {}, () => "A new secret signs from now on.")}
              >
                Rotate secret
              </button>
              <button type="button" className={BUTTON_SECONDARY} onClick={() => setOpenLog(openLog === e.id ? null : e.id)}>
                {openLog === e.id ? "Hide delivery log" : "Delivery log"}
              </button>
              <button
                type="button"
                className={BUTTON_SECONDARY}
                onClick={async () => {
                  if (!window.confirm(`Delete the endpoint ${e.url} and its delivery log?`)) return;
                  const res = await fetch(`/api/webhooks/${e.id}`, { method: "DELETE" });
                  const json = await res.json().catch(() => null);
                  setError(res.ok ? null : (json?.error?.message ?? `failed (${res.status})`));
                  await load();
                }}
              >
                Delete
              </button>
            </div>
            {openLog === e.id && <DeliveryLog endpointId={e.id} />}
          </div>
        ))}
      </div>
    </div>
  );
}
