"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { BUTTON_PRIMARY, Field } from "@/components/ui/field";

/** Only same-site paths are followed after sign-in (no open redirect). */
function safePath(callbackUrl: string | undefined): string {
  return callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
}

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const result = await signIn("credentials", { email: form.get("email"), password: form.get("password"), redirect: false });
    setBusy(false);
    if (!result || result.error) return setError("Wrong email or password.");
    router.replace(safePath(callbackUrl));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <Field label="Email" id="email" name="email" type="email" autoComplete="username" required />
      <Field label="Password" id="password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p role="alert" className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
      <button type="submit" disabled={isBusy} className={`${BUTTON_PRIMARY} w-full`}>
        {isBusy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
