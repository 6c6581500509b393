"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ConnectionIndicator } from "@/components/realtime/connection-indicator";
import { useAirlockSocket } from "@/components/realtime/use-airlock-socket";
import { RelativeTime } from "@/components/ui/relative-time";
import { sendJson } from "@/components/ui/send-json";
import { isSameIdentity } from "@/lib/identity/normalize-identity";
import { newPendingQueue, queueArrived, queueClosed, queueReconnected, queueResynced, queueUpdated } from "@/lib/queue/pending-queue";
import { applyQueueFilters, QUEUE_FILTERS, type QueueFilterKey, type QueueFilters, queueFilterOptions } from "@/lib/queue/queue-filters";
import type { ApprovalSummary, SessionAlert } from "@/lib/realtime/events";
import { KeyboardHelp } from "./keyboard-help";
import { QueueRow } from "./queue-row";
import { usePendingAlerts } from "./use-pending-alerts";

type Note = { kind: "error" | "info"; text: string };
type DecisionAnswer = { status: string; approvals?: number; requiredApprovers?: number };

export interface Reviewer {
  email: string;
  mayDecide: boolean;
}

/** Whether a key press belongs to a text field (shortcuts must not fire while typing). */
function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/**
 * The pending queue, kept live over socket.io, and a reviewer's cockpit:
 * key arguments and risk badges on every row, inline and batch decisions,
 * keyboard shortcuts with auto-advance, filters, and alerts (title, favicon,
 * browser notifications). Every decision goes through the same API as the
 * detail page, so the server checks each one on its own (self-approval,
 * quorum, role, the exact arguments).
 */
export function LiveQueue({
  initial,
  initialAlerts = [],
  reviewer,
  initialFilters = {},
}: {
  initial: ApprovalSummary[];
  initialAlerts?: SessionAlert[];
  reviewer: Reviewer;
  initialFilters?: QueueFilters;
}) {
  const router = useRouter();
  const [alerts, setAlerts] = useState(initialAlerts);
  const [queue, setQueue] = useState(() => newPendingQueue(initial));
  const [announcement, setAnnouncement] = useState("");
  const [resyncFailed, setResyncFailed] = useState(false);
  const [filters, setFilters] = useState<QueueFilters>(initialFilters);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const lastIndex = useRef(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState<Set<string>>(new Set());
  const [notes, setNotes] = useState<Record<string, Note>>({});
  const [rejectingId, setRejectingId] = useState<string | null>(null);
  const [batchNote, setBatchNote] = useState<string | null>(null);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const pendingAlerts = usePendingAlerts(queue.items.length);

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
      pendingAlerts.notify(approval);
    },
    "approval:escalated": ({ id, escalatedAt }) => {
      setQueue((current) => queueUpdated(current, id, { escalatedAt }));
      setAnnouncement("A request was escalated");
    },
    "approval:updated": (state) => {
      if (state.status === "pending") return;
      setQueue((current) => queueClosed(current, state.id));
      setAnnouncement(`A request was ${state.status}`);
    },
  });

  const options = useMemo(() => queueFilterOptions(queue.items), [queue.items]);
  const visible = useMemo(() => applyQueueFilters(queue.items, filters), [queue.items, filters]);

  // The selection follows a request, not a position: a call arriving at the top must not move
  // "a" onto another request. When the selected one leaves (decided), the next one takes its place.
  let index = visible.findIndex((a) => a.id === selectedId);
  if (index < 0) index = Math.min(lastIndex.current, visible.length - 1);
  const selected = index >= 0 ? visible[index] : undefined;
  useEffect(() => {
    lastIndex.current = Math.max(0, index);
    if (selected && selected.id !== selectedId) setSelectedId(selected.id);
  }, [index, selected, selectedId]);
  useEffect(() => {
    if (selected) document.querySelector(`[data-approval-id="${selected.id}"]`)?.scrollIntoView({ block: "nearest" });
  }, [selected]);

  const isOwn = useCallback((a: ApprovalSummary) => isSameIdentity(a.principal, reviewer.email), [reviewer.email]);

  const decide = useCallback(async (a: ApprovalSummary, decision: "approve" | "reject", comment?: string): Promise<boolean> => {
    setBusy((b) => new Set(b).add(a.id));
    const answer = await sendJson<DecisionAnswer>(`/api/approvals/${a.id}/decision`, "POST", {
      decision,
      argumentsHash: a.argumentsHash,
      ...(comment?.trim() ? { comment: comment.trim() } : {}),
    }).catch((error: Error) => ({ ok: false as const, status: 0, message: error.message }));
    setBusy((b) => {
      const next = new Set(b);
      next.delete(a.id);
      return next;
    });
    setChecked((c) => {
      const next = new Set(c);
      next.delete(a.id);
      return next;
    });
    if (!answer.ok) {
      const text = answer.status === 409 ? `Already decided by someone else (${answer.message}).` : answer.message;
      setNotes((n) => ({ ...n, [a.id]: { kind: "error", text } }));
      return false;
    }
    if (answer.data.status === "pending") {
      setNotes((n) => ({
        ...n,
        [a.id]: { kind: "info", text: `Your approval is recorded: ${answer.data.approvals} of ${answer.data.requiredApprovers} for these arguments.` },
      }));
    } else {
      setQueue((current) => queueClosed(current, a.id));
      setAnnouncement(`${a.tool} on ${a.server}: ${answer.data.status}`);
    }
    return true;
  }, []);

  const move = useCallback(
    (by: number) => {
      if (!visible.length) return;
      const next = visible[Math.max(0, Math.min(visible.length - 1, index + by))]!;
      setSelectedId(next.id);
    },
    [visible, index],
  );

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
      if (event.key === "?") {
        event.preventDefault();
        setHelpOpen((open) => !open);
        return;
      }
      if (isHelpOpen) return;
      switch (event.key) {
        case "j":
        case "ArrowDown":
          event.preventDefault();
          move(1);
          break;
        case "k":
        case "ArrowUp":
          event.preventDefault();
          move(-1);
          break;
        case "Enter":
        case "o":
          if (selected && !(event.target instanceof HTMLButtonElement || event.target instanceof HTMLAnchorElement)) {
            event.preventDefault();
            router.push(`/approvals/${selected.id}`);
          }
          break;
        case "e":
          if (selected && reviewer.mayDecide && selected.stage === "call") router.push(`/approvals/${selected.id}?edit=1`);
          break;
        case "a":
          if (selected && reviewer.mayDecide && !isOwn(selected) && !busy.has(selected.id)) void decide(selected, "approve");
          break;
        case "r":
          if (selected && reviewer.mayDecide) {
            event.preventDefault();
            setRejectingId(selected.id);
          }
          break;
        case "x":
          if (selected && reviewer.mayDecide)
            setChecked((c) => {
              const next = new Set(c);
              if (next.has(selected.id)) next.delete(selected.id);
              else next.add(selected.id);
              return next;
            });
          break;
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [move, selected, reviewer.mayDecide, isOwn, busy, decide, router, isHelpOpen]);

  function setFilter(key: QueueFilterKey, value: string) {
    applyFilters({ ...filters, [key]: value || undefined });
  }

  /** Filters live in the URL too, so a filtered queue can be bookmarked and shared. */
  function applyFilters(next: QueueFilters) {
    setFilters(next);
    const params = new URLSearchParams();
    for (const [k] of QUEUE_FILTERS) if (next[k]) params.set(k, next[k]!);
    window.history.replaceState(null, "", params.size ? `?${params}` : window.location.pathname);
  }

  async function decideChecked(decision: "approve" | "reject", comment: string) {
    const chosen = visible.filter((a) => checked.has(a.id));
    let done = 0;
    let refused = 0;
    // One at a time, each through the same checks as a single decision.
    for (const a of chosen) {
      if (await decide(a, decision, comment)) done++;
      else refused++;
    }
    setBatchNote(`${done} ${decision === "approve" ? "approved" : "rejected"}${refused ? `, ${refused} refused (see the rows)` : ""}.`);
  }

  const checkedVisible = visible.filter((a) => checked.has(a.id));
  const hasFilters = QUEUE_FILTERS.some(([k]) => filters[k]);

  return (
    <section aria-labelledby="queue-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="queue-heading" className="text-2xl font-semibold">
          Pending requests <span className="text-slate-500">({queue.items.length})</span>
        </h1>
        <div className="flex flex-wrap items-center gap-3">
          {pendingAlerts.permission === "default" && (
            <button type="button" onClick={pendingAlerts.requestPermission} className="text-sm font-medium text-accent hover:underline">
              Notify me of new requests
            </button>
          )}
          <button type="button" onClick={() => setHelpOpen(true)} className="text-sm font-medium text-slate-700 hover:underline">
            Keyboard shortcuts <kbd className="rounded border border-slate-300 px-1 text-xs">?</kbd>
          </button>
          <ConnectionIndicator connection={connection} />
        </div>
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
      <fieldset className="flex flex-wrap items-end gap-3" aria-label="Filters">
        {QUEUE_FILTERS.map(([key, label]) => (
          <label key={key} className="text-sm">
            <span className="block font-medium text-slate-700">{label}</span>
            <select
              value={filters[key] ?? ""}
              onChange={(e) => setFilter(key, e.target.value)}
              className="mt-1 block max-w-48 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
              data-testid={`filter-${key}`}
            >
              <option value="">All</option>
              {filters[key] && !options[key].some(([v]) => v === filters[key]) && <option value={filters[key]}>{filters[key]} (0)</option>}
              {options[key].map(([value, count]) => (
                <option key={value} value={value}>
                  {value} ({count})
                </option>
              ))}
            </select>
          </label>
        ))}
        {hasFilters && (
          <button type="button" onClick={() => applyFilters({})} className="pb-1 text-sm text-accent hover:underline">
            Clear filters (showing {visible.length} of {queue.items.length})
          </button>
        )}
      </fieldset>
      {reviewer.mayDecide && checkedVisible.length > 0 && (
        <BatchBar count={checkedVisible.length} onDecide={decideChecked} onClear={() => setChecked(new Set())} busy={busy.size > 0} />
      )}
      {batchNote && (
        <p role="status" className="text-sm font-medium text-slate-800">
          {batchNote}
        </p>
      )}
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
      <ul data-testid="queue" className="space-y-3">
        {visible.length === 0 && (
          <li className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-600">
            {queue.items.length ? "No pending request matches these filters." : "Nothing is waiting for a decision."}
          </li>
        )}
        {visible.map((a) => (
          <QueueRow
            key={a.id}
            approval={a}
            isSelected={a.id === selected?.id}
            isChecked={checked.has(a.id)}
            isOwn={isOwn(a)}
            mayDecide={reviewer.mayDecide}
            busy={busy.has(a.id)}
            note={notes[a.id]}
            isRejecting={rejectingId === a.id}
            onSelect={() => setSelectedId(a.id)}
            onCheck={(on) =>
              setChecked((c) => {
                const next = new Set(c);
                if (on) next.add(a.id);
                else next.delete(a.id);
                return next;
              })
            }
            onApprove={() => void decide(a, "approve")}
            onStartReject={() => setRejectingId(a.id)}
            onReject={(comment) => {
              setRejectingId(null);
              void decide(a, "reject", comment);
            }}
            onCancelReject={() => setRejectingId(null)}
          />
        ))}
      </ul>
      <KeyboardHelp open={isHelpOpen} onClose={() => setHelpOpen(false)} />
    </section>
  );
}

/** Decide every checked request: each is sent and checked on its own; the answer says how many went through. */
function BatchBar({
  count,
  onDecide,
  onClear,
  busy,
}: {
  count: number;
  onDecide: (d: "approve" | "reject", comment: string) => void;
  onClear: () => void;
  busy: boolean;
}) {
  const [comment, setComment] = useState("");
  return (
    <section aria-label="Selected requests" className="flex flex-wrap items-end gap-2 rounded-md border border-accent/40 bg-white p-3 shadow-sm">
      <p className="text-sm font-semibold">{count} selected</p>
      <label className="min-w-48 flex-1 text-sm">
        <span className="sr-only">Comment for the selected requests</span>
        <input
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          placeholder="Comment for every selected request (the agent receives it)"
          className="block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
      </label>
      <button
        type="button"
        disabled={busy}
        onClick={() => onDecide("approve", comment)}
        className="rounded-md bg-accent px-3 py-1.5 text-sm font-semibold text-white disabled:opacity-50"
      >
        Approve {count}
      </button>
      <button
        type="button"
        disabled={busy}
        onClick={() => onDecide("reject", comment)}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-red-800 disabled:opacity-50"
      >
        Reject {count}
      </button>
      <button type="button" onClick={onClear} className="px-2 py-1.5 text-sm text-slate-700 hover:underline">
        Clear selection
      </button>
    </section>
  );
}
