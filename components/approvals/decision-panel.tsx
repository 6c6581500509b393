"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useAirlockSocket } from "@/components/realtime/use-airlock-socket";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "@/components/ui/field";
import type { TApprovalDetail } from "@/lib/approvals/approval-views";
import { diffArguments } from "@/lib/approvals/argument-diff";
import { ArgumentsDiff } from "./arguments-view";
import { JsonBlock } from "./json-block";

type TBody = { decision: "approve" | "reject"; comment?: string; arguments?: Record<string, unknown>; argumentsHash?: string };
type TProposal = TApprovalDetail["proposals"][number];

/**
 * Approve, reject, or edit-and-approve; disabled the moment someone else decides.
 * Every approval is for one exact set of arguments: when reviewers proposed
 * edits, the reviewer picks which proposal they approve and sees it in full.
 */
export function DecisionPanel({
  approvalId,
  proposals,
  requiredApprovers,
  stage = "call",
  startEditing = false,
  nextId = null,
}: {
  approvalId: string;
  proposals: TProposal[];
  requiredApprovers: number;
  /** "result": the call ran; the reviewer releases or withholds its result (nothing to edit). */
  stage?: "call" | "result";
  /** Opened with `?edit=1` (the queue's "e" shortcut): the editor is open. */
  startEditing?: boolean;
  /** The next pending request, offered once this one is decided. */
  nextId?: string | null;
}) {
  const isResult = stage === "result";
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [isEditing, setEditing] = useState(startEditing && stage === "call");
  const [selectedHash, setSelectedHash] = useState(() => proposals.at(-1)!.argumentsHash);
  const selected = proposals.find((p) => p.argumentsHash === selectedHash) ?? proposals[0]!;
  const [draft, setDraft] = useState(() => JSON.stringify(selected.arguments, null, 2));
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [decidedElsewhere, setDecidedElsewhere] = useState<string | null>(null);
  const [isDecided, setDecided] = useState(false);

  useAirlockSocket({
    // A decision taken before the socket joined (or while it was away) reached nobody: re-read the page.
    connect: () => router.refresh(),
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
      const tally = result.status === "pending" ? ` (${result.approvals} of ${result.requiredApprovers} approvals for these arguments)` : "";
      setMessage({ kind: "info", text: `Recorded: ${result.status}${result.edited ? " (with edits)" : ""}${tally}.` });
      setDecided(result.status !== "pending");
      router.refresh();
      return;
    }
    const error = (await res.json().catch(() => null))?.error;
    setMessage({
      kind: "error",
      text: res.status === 409 ? `Already decided by someone else (${error?.message ?? "conflict"}).` : (error?.message ?? `Failed (${res.status}).`),
    });
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
        <textarea
          id="comment"
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={3}
          className="block w-full rounded-md border border-slate-300 p-2 text-sm"
          placeholder="The agent receives this text"
        />
      </div>
      {proposals.length > 1 && !isEditing && (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">Which arguments do you approve?</legend>
          {proposals.map((p, i) => (
            <label key={p.argumentsHash} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="proposal"
                value={p.argumentsHash}
                checked={p.argumentsHash === selected.argumentsHash}
                onChange={() => setSelectedHash(p.argumentsHash)}
                className="mt-1"
              />
              <span>
                {i === 0 ? "As the agent proposed" : `Edit proposed by ${p.proposedBy}`} — approved by{" "}
                {p.approvedBy.length ? p.approvedBy.join(", ") : "nobody yet"} ({p.approvedBy.length} of {requiredApprovers})
              </span>
            </label>
          ))}
          <JsonBlock label="You approve exactly" value={selected.arguments} />
          {selected.argumentsHash !== proposals[0]!.argumentsHash && (
            <div className="space-y-1">
              <p className="text-sm font-medium">Changed from the agent&apos;s proposal</p>
              <ArgumentsDiff changes={diffArguments(proposals[0]!.arguments, selected.arguments)} />
            </div>
          )}
        </fieldset>
      )}
      {isEditing && (
        <div className="space-y-1">
          <label htmlFor="edited-arguments" className="block text-sm font-medium">
            Edited arguments (JSON, checked against the tool&apos;s input schema)
          </label>
          <textarea
            id="edited-arguments"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={10}
            className="block w-full rounded-md border border-slate-300 p-2 font-mono text-sm"
          />
        </div>
      )}
      {message && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={`text-sm font-medium ${message.kind === "error" ? "text-red-700" : "text-green-800"}`}
        >
          {message.text}
        </p>
      )}
      {(isDecided || decidedElsewhere) && nextId && (
        <a href={`/approvals/${nextId}`} className={BUTTON_SECONDARY} data-testid="decided-next">
          Next request →
        </a>
      )}
      <div className="flex flex-wrap gap-2">
        {isEditing ? (
          <button type="button" disabled={isLocked} onClick={approveWithEdits} className={BUTTON_PRIMARY}>
            Approve with edits
          </button>
        ) : (
          <button
            type="button"
            disabled={isLocked}
            onClick={() => send({ decision: "approve", argumentsHash: selected.argumentsHash })}
            className={BUTTON_PRIMARY}
          >
            {isResult ? "Release result" : "Approve"}
          </button>
        )}
        <button
          type="button"
          disabled={isLocked}
          onClick={() => send({ decision: "reject", argumentsHash: selected.argumentsHash })}
          className={`${BUTTON_SECONDARY} text-red-800`}
        >
          {isResult ? "Withhold result" : "Reject"}
        </button>
        {!isResult && (
          <button
            type="button"
            disabled={isLocked}
            onClick={() => {
              if (!isEditing) setDraft(JSON.stringify(selected.arguments, null, 2));
              setEditing(!isEditing);
            }}
            className={BUTTON_SECONDARY}
          >
            {isEditing ? "Cancel edit" : "Edit arguments"}
          </button>
        )}
      </div>
    </section>
  );
}
