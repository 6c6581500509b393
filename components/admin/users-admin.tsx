"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";
import { formatUtc } from "@/components/ui/format-utc";
import { sendJson } from "@/components/ui/send-json";
import type { UserRow } from "@/lib/users/manage-users";
import { OneTimeSecret } from "./one-time-secret";

const ROLES = ["admin", "reviewer", "auditor"] as const;
const SMALL = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-60";

/** Invite people, change roles, disable, reset passwords; every change is checked and audited on the server. */
export function UsersAdmin({ users, meId, isPasswordSignInOn }: { users: UserRow[]; meId: string; isPasswordSignInOn: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ email: string; url: string; expiresAt: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<{ ok: true; data: unknown } | { ok: false; message: string }>, onOk?: (data: unknown) => void) {
    setBusy(true);
    setError(null);
    const result = await action();
    setBusy(false);
    if (!result.ok) return setError(result.message);
    onOk?.(result.data);
    router.refresh();
  }
  const showLink = (email: string) => (data: unknown) => {
    const d = data as { setPasswordPath: string; expiresAt: string };
    setLink({ email, url: `${window.location.origin}${d.setPasswordPath}`, expiresAt: d.expiresAt });
  };

  return (
    <div className="space-y-4">
      {isPasswordSignInOn ? (
        <form
          className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end"
          aria-label="Invite a user"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const email = String(form.get("email"));
            const target = e.currentTarget;
            void run(
              () => sendJson("/api/users", "POST", { email, role: form.get("role") }),
              (data) => {
                showLink(email)(data);
                target.reset();
              },
            );
          }}
        >
          <Field label="Email" id="invite-email" name="email" type="email" required autoComplete="off" />
          <div className="space-y-1">
            <label htmlFor="invite-role" className="block text-sm font-medium text-slate-800">
              Role
            </label>
            <select id="invite-role" name="role" defaultValue="reviewer" className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2">
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <button type="submit" className={BUTTON_PRIMARY} disabled={busy}>
            Invite user
          </button>
        </form>
      ) : (
        <p className="rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700" data-testid="password-signin-off">
          Password sign-in is off: people are created when they first sign in with single sign-on, with the role their groups map to.
        </p>
      )}
      {error && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="users-error">
          {error}
        </p>
      )}
      {link && (
        <OneTimeSecret label={`Set-password link for ${link.email}`} value={link.url}>
          <p className="text-amber-950">
            Send it to them over a channel you trust. It works once, until {formatUtc(link.expiresAt)}; they choose their own password.
          </p>
        </OneTimeSecret>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm" data-testid="users-table">
          <thead className="bg-slate-100 text-slate-700">
            <tr>
              {["Email", "Name", "Role", "Signs in with", "Status", "Last sign-in", "Actions"].map((c) => (
                <th key={c} scope="col" className="px-3 py-2">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-slate-100" data-testid="user-row">
                <td className="px-3 py-2 font-medium">
                  {u.email}
                  {u.id === meId && <span className="ml-1 text-xs text-slate-600">(you)</span>}
                </td>
                <td className="px-3 py-2">{u.name ?? "—"}</td>
                <td className="px-3 py-2">
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.email}
                  </label>
                  <select
                    id={`role-${u.id}`}
                    value={u.role}
                    disabled={busy}
                    className="rounded border border-slate-300 bg-white px-2 py-1"
                    onChange={(e) => {
                      const role = e.target.value;
                      if (!window.confirm(`Make ${u.email} ${role}? Their sessions end.`)) return;
                      void run(() => sendJson(`/api/users/${u.id}`, "PATCH", { role }));
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td className="px-3 py-2" data-testid="user-sign-in">
                  {u.signInMethods.length ? u.signInMethods.map((m) => (m === "sso" ? "SSO" : "password")).join(", ") : "—"}
                </td>
                <td className="px-3 py-2">
                  <span
                    className={`rounded px-1.5 py-0.5 text-xs font-medium ${u.status === "active" ? "bg-emerald-100 text-emerald-900" : u.status === "invited" ? "bg-sky-100 text-sky-900" : "bg-slate-200 text-slate-800"}`}
                  >
                    {u.status}
                  </span>
                </td>
                <td className="px-3 py-2">{formatUtc(u.lastSignInAt)}</td>
                <td className="space-x-2 px-3 py-2 whitespace-nowrap">
                  <button
                    type="button"
                    className={SMALL}
                    disabled={busy}
                    onClick={() => {
                      const disabled = u.status !== "disabled";
                      if (disabled && !window.confirm(`Disable ${u.email}? Their sessions end at once.`)) return;
                      void run(() => sendJson(`/api/users/${u.id}`, "PATCH", { disabled }));
                    }}
                  >
                    {u.status === "disabled" ? "Enable" : "Disable"}
                  </button>
                  {isPasswordSignInOn && (
                    <button
                      type="button"
                      className={SMALL}
                      disabled={busy}
                      onClick={() => {
                        if (!window.confirm(`Reset the password of ${u.email}? Their password stops working and their sessions end.`)) return;
                        void run(() => sendJson(`/api/users/${u.id}/reset-password`, "POST", {}), showLink(u.email));
                      }}
                    >
                      Reset password
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
