"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAirlockSocket } from "@/components/realtime/use-airlock-socket";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "@/components/ui/field";

type TBody = { decision: "approve" | "reject"; comment?: string; arguments?: Record<string, unknown> };

/** Approve, reject, or edit-and-approve; disabled the moment someone else decides. */
export function DecisionPanel({ approvalId, args }: { approvalId: string; args: Record<string, unknown> }) {
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [isEditing, setEditing] = useState(false);
  const [draft, setDraft] = useState(() => JSON.stringify(args, null, 2));
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [decidedElsewhere, setDecidedElsewhere] = useState<string | null>(null);

  useAirlockSocket({
    "approval:updated": (state) => {
      if (state.id === approvalId && state.status !== "pending") {
        setDecidedElsewhere(state.status);
        router.refresh();
      }
    },
  });

  async function send(body: TBody) {
    setBusy(true);
    setMessage(null);
    const res = await fetch(`/api/approvals/${approvalId}/decision`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, comment: comment.trim() || undefined }),
    });
    setBusy(false);
    if (res.ok) {
      const result = await res.json();
      setMessage({ kind: "info", text: `Recorded: ${result.status}${result.edited ? " (with edits)" : ""}.` });
      router.refresh();
      return;
    }
    const error = (await res.json().catch(() => null))?.error;
    setMessage({ kind: "error", text: res.status === 409 ? `Already decided by someone else (${error?.message ?? "conflict"}).` : (error?.message ?? `Failed (${res.status}).`) });
  }

  function approveWithEdits() {
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft);
    } catch (error) {
      return setMessage({ kind: "error", text: `The edited arguments are not valid JSON: ${(error as Error).message}` });
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return setMessage({ kind: "error", text: "The arguments must be a JSON object." });
    void send({ decision: "approve", arguments: parsed as Record<string, unknown> });
  }

  const isLocked = isBusy || decidedElsewhere !== null;
  return (
    <section aria-labelledby="decide-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="decide-heading" className="text-lg font-semibold">
        Decide
      </h2>
      {decidedElsewhere && (
        <p role="status" className="rounded bg-slate-100 p-2 text-sm">
          This request was {decidedElsewhere} while you were looking at it.
        </p>
      )}
      <div className="space-y-1">
        <label htmlFor="comment" className="block text-sm font-medium">
          Comment
        </label>
        <textarea id="comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={3} className="block w-full rounded-md border border-slate-300 p-2 text-sm" placeholder="The agent receives this text" />
      </div>
      {isEditing && (
        <div className="space-y-1">
          <label htmlFor="edited-arguments" className="block text-sm font-medium">
            Edited arguments (JSON, checked against the tool&apos;s input schema)
          </label>
          <textarea id="edited-arguments" value={draft} onChange={(e) => setDraft(e.target.value)} rows={10} className="block w-full rounded-md border border-slate-300 p-2 font-mono text-sm" />
        </div>
      )}
      {message && (
        <p role={message.kind === "error" ? "alert" : "status"} className={`text-sm font-medium ${message.kind === "error" ? "text-red-700" : "text-green-800"}`}>
          {message.text}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        {isEditing ? (
          <button type="button" disabled={isLocked} onClick={approveWithEdits} className={BUTTON_PRIMARY}>
            Approve with edits
          </button>
        ) : (
          <button type="button" disabled={isLocked} onClick={() => send({ decision: "approve" })} className={BUTTON_PRIMARY}>
            Approve
          </button>
        )}
        <button type="button" disabled={isLocked} onClick={() => send({ decision: "reject" })} className={`${BUTTON_SECONDARY} text-red-800`}>
          Reject
        </button>
        <button type="button" disabled={isLocked} onClick={() => setEditing(!isEditing)} className={BUTTON_SECONDARY}>
          {isEditing ? "Cancel edit" : "Edit arguments"}
        </button>
      </div>
    </section>
  );
}
