"use client";

import { useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

type Delegation = { delegateEmail: string | null; until: string | null; isAway: boolean };

/** A reviewer's absence: until when, and who receives their alerts meanwhile. */
export function AwayDelegate({ initial }: { initial: Delegation }) {
  const [current, setCurrent] = useState(initial);
  const [email, setEmail] = useState(initial.delegateEmail ?? "");
  const [until, setUntil] = useState(initial.until ? initial.until.slice(0, 16) : "");
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);

  async function save(body: { delegateEmail: string | null; until: string | null }) {
    const answer = await sendJson<Delegation>("/api/me/delegation", "PUT", body);
    if (!answer.ok) return setMessage({ kind: "error", text: answer.message });
    setCurrent(answer.data);
    setMessage({
      kind: "info",
      text: answer.data.delegateEmail ? `Saved: your alerts go to ${answer.data.delegateEmail} while you are away.` : "You are not away.",
    });
  }

  return (
    <form
      className="max-w-md space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!email || !until) return setMessage({ kind: "error", text: "Give a delegate and the end of your absence." });
        void save({ delegateEmail: email, until: new Date(until).toISOString() });
      }}
    >
      <p className="text-sm text-slate-700">
        {current.isAway && current.until
          ? `Away until ${new Date(current.until).toLocaleString()}; alerts go to ${current.delegateEmail}.`
          : "While you are away, the alerts meant for you (email, push) go to a delegate instead. They decide under their own name; nothing else changes."}
      </p>
      <Field label="Delegate (email)" id="delegate-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
      <Field label="Away until" id="away-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      {message && (
        <p
          role={message.kind === "error" ? "alert" : "status"}
          className={`text-sm font-medium ${message.kind === "error" ? "text-red-700" : "text-green-800"}`}
        >
          {message.text}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className={BUTTON_PRIMARY}>
          Save
        </button>
        {current.delegateEmail && (
          <button type="button" className={BUTTON_SECONDARY} onClick={() => save({ delegateEmail: null, until: null })}>
            I am back
          </button>
        )}
      </div>
    </form>
  );
}
