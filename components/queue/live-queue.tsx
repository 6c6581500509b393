"use client";

import Link from "next/link";
import { useState } from "react";
import { ConnectionIndicator } from "@/components/realtime/connection-indicator";
import { useAirlockSocket } from "@/components/realtime/use-airlock-socket";
import { RelativeTime } from "@/components/ui/relative-time";
import { newPendingQueue, queueArrived, queueClosed, queueReconnected, queueResynced } from "@/lib/queue/pending-queue";
import type { ApprovalSummary, SessionAlert } from "@/lib/realtime/events";

/** The pending queue, kept live over socket.io: rows arrive and leave without a reload. */
export function LiveQueue({ initial, initialAlerts = [] }: { initial: ApprovalSummary[]; initialAlerts?: SessionAlert[] }) {
  const [alerts, setAlerts] = useState(initialAlerts);
  const [queue, setQueue] = useState(() => newPendingQueue(initial));
  const [announcement, setAnnouncement] = useState("");
  const [resyncFailed, setResyncFailed] = useState(false);
  const connection = useAirlockSocket({
    // Calls held between this page's render and the socket joining (or while it was away)
    // reached nobody: fetch the queue again on every (re)connect.
    connect: () => {
      setQueue(queueReconnected);
      fetch("/api/approvals?status=pending&limit=500", { cache: "no-store" })
        .then(async (res) => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          const { items } = (await res.json()) as { items: ApprovalSummary[] };
          setQueue((current) => queueResynced(current, items));
          setResyncFailed(false);
        })
        .catch(() => setResyncFailed(true));
    },
    "alert:created": (alert) => {
      setAlerts((current) => [alert, ...current].slice(0, 5));
      setAnnouncement(`Alert on a session of ${alert.bridgeName}: ${alert.alert}`);
    },
    "approval:created": (approval) => {
      setQueue((current) => queueArrived(current, approval));
      setAnnouncement(`New request: ${approval.tool} on ${approval.server}`);
    },
    "approval:updated": (state) => {
      if (state.status === "pending") return;
      setQueue((current) => queueClosed(current, state.id));
      setAnnouncement(`A request was ${state.status}`);
    },
  });
  const items = queue.items;

  return (
    <section aria-labelledby="queue-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="queue-heading" className="text-2xl font-semibold">
          Pending requests <span className="text-slate-500">({items.length})</span>
        </h1>
        <ConnectionIndicator connection={connection} />
      </div>
      {resyncFailed && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          The queue could not be refreshed after reconnecting; reload the page to be sure it is complete.
        </p>
      )}
      {alerts.length > 0 && (
        <section
          aria-label="Session alerts"
          data-testid="session-alerts"
          className="space-y-1 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          <p className="font-semibold">Session alerts (last 24 hours)</p>
          <ul className="list-disc pl-5">
            {alerts.map((a) => (
              <li key={`${a.at}-${a.sessionId}`}>
                {a.alert} — bridge {a.bridgeName}, session <span className="font-mono text-xs">{a.sessionId.slice(0, 12)}</span>
                {a.tool ? (
                  <>
                    , last asked for <span className="font-mono">{a.tool}</span>
                  </>
                ) : null}{" "}
                (<RelativeTime iso={a.at} mode="ago" />)
              </li>
            ))}
          </ul>
        </section>
      )}
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
      <ul data-testid="queue" className="space-y-3">
        {items.length === 0 && (
          <li className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">Nothing is waiting for a decision.</li>
        )}
        {items.map((a) => (
          <li key={a.id} data-testid="queue-row" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <Link href={`/approvals/${a.id}`} className="text-base font-semibold text-accent hover:underline">
                <span className="font-mono">{a.tool}</span> <span className="font-normal text-slate-600">on {a.server}</span>
              </Link>
              {a.stage === "result" && (
                <span className="rounded border border-violet-300 bg-violet-50 px-1.5 text-xs font-semibold text-violet-900">result held</span>
              )}
              {a.findingCount > 0 && (
                <span className="rounded border border-red-300 bg-red-50 px-1.5 text-xs font-semibold text-red-900">
                  {a.findingCount} finding{a.findingCount > 1 ? "s" : ""}
                </span>
              )}
              <span className="text-sm text-slate-600">
                <RelativeTime iso={a.createdAt} mode="ago" /> · <RelativeTime iso={a.expiresAt} mode="left" />
              </span>
            </div>
            {a.prompt && (
              <p className="mt-2 line-clamp-2 text-sm text-slate-800">
                <span className="font-medium text-slate-600">Agent says: </span>
                {a.prompt}
              </p>
            )}
            <p className="mt-1 text-xs text-slate-600">
              Held by {a.ruleName ? <span className="font-medium">{a.ruleName}</span> : "the policy default"} · bridge {a.bridgeName}
              {a.clientName ? ` · client ${a.clientName}` : ""}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
