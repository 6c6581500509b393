"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useEffect, useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";

/** Sets a password from a one-time link: the token is read from the URL fragment (never sent to a server by the browser) and then dropped from the address bar. */
export function SetPasswordForm() {
  const router = useRouter();
  const [token, setToken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  useEffect(() => {
    const found = new URLSearchParams(window.location.hash.slice(1)).get("token");
    setToken(found ?? "");
    if (found) window.history.replaceState(null, "", window.location.pathname);
  }, []);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password"));
    if (password !== form.get("confirm")) return setError("The passwords do not match.");
    setBusy(true);
    setError(null);
    const res = await fetch("/api/set-password", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, password }),
    });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      setBusy(false);
      return setError(body?.error?.message ?? "Could not set the password.");
    }
    await signIn("credentials", { email: body.email, password, redirect: false });
    router.replace("/");
    router.refresh();
  }

  if (token === null) return null;
  if (!token) return <p role="alert">This link has no token. Open the whole link you were sent, or ask an admin for a new one.</p>;
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field label="New password (12 characters or more)" id="password" name="password" type="password" autoComplete="new-password" minLength={12} required />
      <Field label="Confirm password" id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      {error && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={isBusy} className={`${BUTTON_PRIMARY} w-full`}>
        {isBusy ? "Saving…" : "Set password and sign in"}
      </button>
    </form>
  );
}
