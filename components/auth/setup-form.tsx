"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    if (password !== form.get("confirm")) return setError("The passwords do not match.");
    setBusy(true);
    setError(null);
    const res = await fetch("/api/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    if (!res.ok) {
      setBusy(false);
      const body = await res.json().catch(() => null);
      return setError(body?.error?.message ?? "Setup failed.");
    }
    await signIn("credentials", { email, password, redirect: false });
    router.replace("/");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field label="Email" id="email" name="email" type="email" autoComplete="username" required />
      <Field label="Password (12 characters or more)" id="password" name="password" type="password" autoComplete="new-password" minLength={12} required />
      <Field label="Confirm password" id="confirm" name="confirm" type="password" autoComplete="new-password" required />
      {error && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={isBusy} className={`${BUTTON_PRIMARY} w-full`}>
        {isBusy ? "Creating…" : "Create admin and sign in"}
      </button>
    </form>
  );
}
