"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";
import { splitList } from "@/components/ui/split-list";

export interface ServerAdminView {
  email: string;
  servers: string[];
}

/** Per-server admins: reviewers who manage some servers' tools and upstream secrets. */
export function ServerAdmins({ serverAdmins }: { serverAdmins: ServerAdminView[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  return (
    <div className="space-y-3">
      <form
        aria-label="Set the servers a reviewer administers"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_2fr_auto] sm:items-end"
        onSubmit={async (e) => {
          e.preventDefault();
          const target = e.currentTarget;
          const form = new FormData(target);
          const result = await sendJson<{ email: string; added: string[]; removed: string[] }>("/api/server-admins", "PUT", {
            email: form.get("email"),
            servers: splitList(String(form.get("servers") ?? "")),
          });
          if (!result.ok) return setMessage({ isError: true, text: result.message });
          setMessage({ isError: false, text: `Saved for ${result.data.email}: ${result.data.added.length} added, ${result.data.removed.length} removed.` });
          target.reset();
          router.refresh();
        }}
      >
        <Field label="Reviewer's email" id="server-admin-email" name="email" type="email" required placeholder="sam@example.com" />
        <Field label="Servers (names, comma-separated; empty removes all)" id="server-admin-servers" name="servers" placeholder="github, filesystem" />
        <button type="submit" className={BUTTON_PRIMARY}>
          Save servers
        </button>
      </form>
      {message && (
        <p role={message.isError ? "alert" : "status"} className={`text-sm ${message.isError ? "text-red-800" : "text-emerald-900"}`}>
          {message.text}
        </p>
      )}
      {serverAdmins.length === 0 ? (
        <p className="text-sm text-slate-600">No per-server admins yet.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white text-sm" data-testid="server-admins">
          {serverAdmins.map((a) => (
            <li key={a.email} className="flex flex-wrap justify-between gap-2 px-4 py-2">
              <span>{a.email}</span>
              <span className="text-slate-700">{a.servers.join(", ")}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
