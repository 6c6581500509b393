"use client";

import Link from "next/link";
import { RelativeTime } from "@/components/ui/relative-time";
import type { ApprovalSummary } from "@/lib/realtime/events";

const BADGE = "rounded border px-1.5 text-xs font-semibold";

/** The tool's declared behaviour, as badges: what a wrong approval could do. */
function HintBadges({ hints }: { hints: ApprovalSummary["toolAnnotations"] }) {
  if (!hints) return null;
  return (
    <>
      {hints.destructiveHint === true && hints.readOnlyHint !== true && (
        <span className={`${BADGE} border-red-300 bg-red-50 text-red-900`} title="The server says this tool may delete or overwrite">
          destructive
        </span>
      )}
      {hints.openWorldHint === true && (
        <span className={`${BADGE} border-amber-300 bg-amber-50 text-amber-900`} title="The server says this tool reaches outside systems">
          open world
        </span>
      )}
      {hints.readOnlyHint === true && (
        <span className={`${BADGE} border-slate-300 bg-slate-50 text-slate-700`} title="The server says this tool only reads">
          read-only
        </span>
      )}
    </>
  );
}

export interface QueueRowProps {
  approval: ApprovalSummary;
  isSelected: boolean;
  isChecked: boolean;
  /** The signed-in reviewer is the principal the agent acts for: they may not approve it. */
  isOwn: boolean;
  mayDecide: boolean;
  busy: boolean;
  /** The result of this reviewer's last action on the row (a quorum tally, a refusal). */
  note: { kind: "error" | "info"; text: string } | undefined;
  isRejecting: boolean;
  onSelect: () => void;
  onCheck: (checked: boolean) => void;
  onApprove: () => void;
  onStartReject: () => void;
  onReject: (comment: string) => void;
  onCancelReject: () => void;
}

/** One pending request: what it does (key arguments), how risky (badges, findings), who asked, the deadline, and the actions. */
export function QueueRow(props: QueueRowProps) {
  const { approval: a, isSelected, isChecked, isOwn, mayDecide, busy, note } = props;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click only moves the keyboard selection here; j/k move it from the keyboard
    <li
      data-testid="queue-row"
      data-approval-id={a.id}
      aria-current={isSelected ? "true" : undefined}
      onClick={props.onSelect}
      className={`rounded-lg border bg-white p-4 shadow-sm ${isSelected ? "border-accent ring-2 ring-accent/40" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-start gap-x-3 gap-y-2">
        {mayDecide && (
          <input
            type="checkbox"
            aria-label={`Select ${a.tool} on ${a.server}`}
            checked={isChecked}
            onChange={(e) => props.onCheck(e.target.checked)}
            onClick={(e) => e.stopPropagation()}
            className="mt-1.5 h-4 w-4"
          />
        )}
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-baseline gap-2">
            <Link href={`/approvals/${a.id}`} className="text-base font-semibold text-accent hover:underline">
              <span className="font-mono">{a.tool}</span> <span className="font-normal text-slate-600">on {a.server}</span>
            </Link>
            {a.stage === "result" && <span className={`${BADGE} border-violet-300 bg-violet-50 text-violet-900`}>result held</span>}
            <HintBadges hints={a.toolAnnotations} />
            {a.findingCount > 0 && (
              <span
                className={`${BADGE} ${a.findingSeverity === "high" ? "border-red-300 bg-red-50 text-red-900" : "border-amber-300 bg-amber-50 text-amber-900"}`}
                title={`Found by: ${a.findingDetectors.join(", ")}`}
              >
                {a.findingCount} finding{a.findingCount > 1 ? "s" : ""} ({a.findingDetectors.join(", ")})
              </span>
            )}
            {a.escalatedAt && (
              <span className={`${BADGE} border-orange-300 bg-orange-50 text-orange-900`} title="Nobody decided in time: more people were alerted">
                escalated
              </span>
            )}
            {a.requiredApprovers > 1 && <span className={`${BADGE} border-slate-300 bg-slate-50 text-slate-700`}>needs {a.requiredApprovers} approvals</span>}
            {a.approverRole === "admin" && <span className={`${BADGE} border-slate-300 bg-slate-50 text-slate-700`}>admins only</span>}
            {a.approverGroup && (
              <span className={`${BADGE} border-slate-300 bg-slate-50 text-slate-700`} title="Only members of this approver group may decide">
                group {a.approverGroup}
              </span>
            )}
            {isOwn && (
              <span
                className={`${BADGE} border-fuchsia-300 bg-fuchsia-50 text-fuchsia-900`}
                title="The agent says it acts for you: someone else must approve it"
              >
                on your own behalf
              </span>
            )}
          </div>
          {a.keyArguments.length > 0 && (
            <dl data-testid="key-arguments" className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-3 text-sm">
              {a.keyArguments.map((k) => (
                <div key={k.name} className="contents">
                  <dt className="font-mono text-slate-600">{k.name}</dt>
                  <dd className="truncate font-mono text-slate-900" title={k.value}>
                    {k.value}
                  </dd>
                </div>
              ))}
            </dl>
          )}
          {a.prompt && (
            <p className="line-clamp-2 text-sm text-slate-800">
              <span className="font-medium text-slate-600">Agent says: </span>
              {a.prompt}
            </p>
          )}
          <p className="text-xs text-slate-600">
            Held by {a.ruleName ? <span className="font-medium">{a.ruleName}</span> : "the policy default"} · bridge {a.bridgeName}
            {a.clientName ? ` · client ${a.clientName}` : ""}
            {a.principal ? ` · for ${a.principal} (${a.principalVerified ? "signed in" : "claimed"})` : ""} · <RelativeTime iso={a.createdAt} mode="ago" /> ·{" "}
            <span className="font-medium">
              <RelativeTime iso={a.expiresAt} mode="left" />
            </span>
          </p>
        </div>
        {mayDecide && !props.isRejecting && (
          <div className="flex gap-2">
            <button
              type="button"
              disabled={busy || isOwn}
              onClick={(e) => {
                e.stopPropagation();
                props.onApprove();
              }}
              className="rounded-md bg-accent px-3 py-1.5 text-sm font-semibold text-white hover:bg-accent-strong disabled:opacity-50"
              title={isOwn ? "You cannot approve a call made on your own behalf" : "Approve (a)"}
            >
              {a.stage === "result" ? "Release" : "Approve"}
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={(e) => {
                e.stopPropagation();
                props.onStartReject();
              }}
              className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold text-red-800 hover:bg-slate-50 disabled:opacity-50"
              title="Reject with a comment (r)"
            >
              {a.stage === "result" ? "Withhold" : "Reject"}
            </button>
          </div>
        )}
      </div>
      {props.isRejecting && <RejectBox busy={busy} onReject={props.onReject} onCancel={props.onCancelReject} />}
      {note && (
        <p
          role={note.kind === "error" ? "alert" : "status"}
          className={`mt-2 text-sm font-medium ${note.kind === "error" ? "text-red-700" : "text-green-800"}`}
        >
          {note.text}
        </p>
      )}
    </li>
  );
}

/** The comment box of an inline rejection: Enter sends, Shift+Enter breaks the line, Escape cancels. */
function RejectBox({ busy, onReject, onCancel }: { busy: boolean; onReject: (comment: string) => void; onCancel: () => void }) {
  return (
    <form
      className="mt-3 space-y-2"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => e.stopPropagation()}
      onSubmit={(e) => {
        e.preventDefault();
        onReject(String(new FormData(e.currentTarget).get("comment") ?? ""));
      }}
    >
      <label className="block text-sm font-medium" htmlFor="reject-comment">
        Why reject? The agent receives this comment.
      </label>
      <textarea
        id="reject-comment"
        name="comment"
        rows={2}
        // biome-ignore lint/a11y/noAutofocus: the reviewer pressed "r" to write this comment now
        autoFocus
        className="block w-full rounded-md border border-slate-300 p-2 text-sm"
        onKeyDown={(e) => {
          if (e.key === "Escape") onCancel();
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
      />
      <div className="flex gap-2">
        <button
          type="submit"
          disabled={busy}
          className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:opacity-50"
        >
          Reject
        </button>
        <button type="button" onClick={onCancel} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-semibold">
          Cancel
        </button>
      </div>
    </form>
  );
}
