"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY, Field } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";
import { splitList } from "@/components/ui/split-list";

export interface ApproverGroupView {
  id: string;
  name: string;
  description: string | null;
  members: { email: string; name: string | null; role: string; disabled: boolean }[];
  rules: string[];
}

/** Approver groups: a rule with `approverGroup` is decided by that group's members only. */
export function ApproverGroups({ groups }: { groups: ApproverGroupView[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      <form
        aria-label="Create an approver group"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[1fr_2fr_auto] sm:items-end"
        onSubmit={async (e) => {
          e.preventDefault();
          const target = e.currentTarget;
          const form = new FormData(target);
          const description = String(form.get("description") ?? "").trim();
          const result = await sendJson("/api/groups", "POST", { name: form.get("name"), ...(description ? { description } : {}) });
          if (!result.ok) return setError(result.message);
          setError(null);
          target.reset();
          router.refresh();
        }}
      >
        <Field label="Group name" id="group-name" name="name" required maxLength={63} placeholder="payments" />
        <Field label="Description (optional)" id="group-description" name="description" maxLength={500} />
        <button type="submit" className={BUTTON_PRIMARY}>
          Create group
        </button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {groups.length === 0 && <p className="text-sm text-slate-600">No approver groups yet.</p>}
      <ul className="space-y-3">
        {groups.map((g) => (
          <GroupCard key={g.id} group={g} />
        ))}
      </ul>
    </div>
  );
}

function GroupCard({ group }: { group: ApproverGroupView }) {
  const router = useRouter();
  const [members, setMembers] = useState(group.members.map((m) => m.email).join(", "));
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  return (
    <li className="space-y-2 rounded-lg border border-slate-200 bg-white p-4" data-testid="approver-group">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold">{group.name}</h3>
        <span className="text-xs text-slate-600">{group.rules.length ? `named by ${group.rules.map((r) => `"${r}"`).join(", ")}` : "no rule names it"}</span>
      </div>
      {group.description && <p className="text-sm text-slate-700">{group.description}</p>}
      <form
        aria-label={`Members of ${group.name}`}
        className="flex flex-wrap items-end gap-2"
        onSubmit={async (e) => {
          e.preventDefault();
          const result = await sendJson<{ added: string[]; removed: string[] }>(`/api/groups/${group.id}/members`, "PUT", { members: splitList(members) });
          if (!result.ok) return setMessage({ isError: true, text: result.message });
          setMessage({ isError: false, text: `Saved: ${result.data.added.length} added, ${result.data.removed.length} removed.` });
          router.refresh();
        }}
      >
        <div className="min-w-64 flex-1">
          <Field
            label="Members (emails, comma-separated)"
            id={`group-members-${group.id}`}
            value={members}
            onChange={(e) => setMembers(e.target.value)}
            placeholder="rita@example.com, sam@example.com"
          />
        </div>
        <button type="submit" className={BUTTON_SECONDARY}>
          Save members
        </button>
        <button
          type="button"
          className="rounded border border-red-300 px-3 py-2 text-sm text-red-900 hover:bg-red-50"
          onClick={async () => {
            if (!window.confirm(`Delete the approver group "${group.name}"?`)) return;
            const res = await fetch(`/api/groups/${group.id}`, { method: "DELETE" });
            if (!res.ok) {
              const body = await res.json().catch(() => null);
              return setMessage({ isError: true, text: body?.error?.message ?? `failed (${res.status})` });
            }
            router.refresh();
          }}
        >
          Delete <span className="sr-only">{group.name}</span>
        </button>
      </form>
      {message && (
        <p role={message.isError ? "alert" : "status"} className={`text-sm ${message.isError ? "text-red-800" : "text-emerald-900"}`}>
          {message.text}
        </p>
      )}
    </li>
  );
}
