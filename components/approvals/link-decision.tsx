"use client";

import { useState } from "react";
import { sendJson } from "@/components/ui/send-json";

/** The confirmation on a review link's page: one decision, then the link is spent. */
export function LinkDecision({ token, stage, who }: { token: string; stage: "call" | "result"; who: string }) {
  const [comment, setComment] = useState("");
  const [state, setState] = useState<{ kind: "idle" | "busy" } | { kind: "done" | "error"; text: string }>({ kind: "idle" });

  async function decide(decision: "approve" | "reject") {
    setState({ kind: "busy" });
    const answer = await sendJson<{ status: string; approvals?: number; requiredApprovers?: number }>("/api/review-links/decide", "POST", {
      token,
      decision,
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    }).catch((error: Error) => ({ ok: false as const, status: 0, message: error.message }));
    if (!answer.ok) return setState({ kind: "error", text: answer.message });
    const { status, approvals, requiredApprovers } = answer.data;
    setState({
      kind: "done",
      text:
        status === "pending"
          ? `Your approval is recorded (${approvals} of ${requiredApprovers}); the request waits for more approvers.`
          : `Done: the request is ${status}.`,
    });
  }

  if (state.kind === "done") {
    return (
      <p role="status" data-testid="link-result" className="rounded-md border border-green-300 bg-green-50 p-3 font-medium text-green-900">
        {state.text}
      </p>
    );
  }
  const busy = state.kind === "busy";
  return (
    <section aria-labelledby="confirm-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3">
      <h2 id="confirm-heading" className="font-semibold">
        Confirm your decision
      </h2>
      <p className="text-xs text-slate-600">{who} This link works once.</p>
      <label htmlFor="link-comment" className="block text-sm font-medium">
        Comment (the agent receives it)
      </label>
      <textarea
        id="link-comment"
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        rows={3}
        className="block w-full rounded-md border border-slate-300 p-2 text-base"
      />
      {state.kind === "error" && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {state.text}
        </p>
      )}
      <div className="grid grid-cols-2 gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() => decide("approve")}
          className="rounded-md bg-accent px-4 py-3 text-base font-semibold text-white disabled:opacity-50"
        >
          {stage === "result" ? "Release" : "Approve"}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => decide("reject")}
          className="rounded-md border border-slate-300 bg-white px-4 py-3 text-base font-semibold text-red-800 disabled:opacity-50"
        >
          {stage === "result" ? "Withhold" : "Reject"}
        </button>
      </div>
    </section>
  );
}
