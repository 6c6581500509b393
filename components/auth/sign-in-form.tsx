"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY, Field } from "@/components/ui/field";

/** Only same-site paths are followed after sign-in (no open redirect). */
function safePath(callbackUrl: string | undefined): string {
  return callbackUrl?.startsWith("/") && !callbackUrl.startsWith("//") ? callbackUrl : "/";
}

export interface SignInFormProps {
  callbackUrl?: string;
  /** Off: no password fields at all (AIRLOCK_PASSWORD_SIGNIN=off). */
  isPasswordSignInOn: boolean;
  /** The single sign-on button's label, or null when SSO is not configured. */
  ssoName: string | null;
  /** Why the last sign-in was refused (from the page's `error` parameter). */
  initialError: string | null;
}

export function SignInForm({ callbackUrl, isPasswordSignInOn, ssoName, initialError }: SignInFormProps) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError);
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

  async function onSso() {
    setBusy(true);
    setError(null);
    // Leaves for the identity provider; next-auth brings the browser back to the callback URL (same site only).
    await signIn("oidc", { callbackUrl: safePath(callbackUrl) });
  }

  const alert = error && (
    <p role="alert" className="text-sm font-medium text-red-700">
      {error}
    </p>
  );
  return (
    <div className="space-y-4">
      {ssoName && (
        <button type="button" onClick={() => void onSso()} disabled={isBusy} className={`${isPasswordSignInOn ? BUTTON_SECONDARY : BUTTON_PRIMARY} w-full`}>
          {`Sign in with ${ssoName}`}
        </button>
      )}
      {!isPasswordSignInOn && alert}
      {ssoName && isPasswordSignInOn && <p className="text-center text-xs text-slate-600">or with your email and password</p>}
      {isPasswordSignInOn && (
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <Field label="Email" id="email" name="email" type="email" autoComplete="username" required />
          <Field label="Password" id="password" name="password" type="password" autoComplete="current-password" required />
          {alert}
          <button type="submit" disabled={isBusy} className={`${BUTTON_PRIMARY} w-full`}>
            {isBusy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      )}
    </div>
  );
}
