"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ceremonyError } from "@/components/settings/passkeys";
import { sendJson } from "@/components/ui/send-json";

/**
 * "Confirm it's you" on a review link: the link's reviewer's passkey (then the page shows
 * the request), or a password sign-in (not offered when the dashboard requires a passkey).
 */
export function LinkPasskey({ token, signInHref, notice }: { token: string; signInHref: string | null; notice: React.ReactNode }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const options = await sendJson<Parameters<typeof startAuthentication>[0]["optionsJSON"]>("/api/review-links/passkey/options", "POST", { token });
      if (!options.ok) return setError(options.message);
      let response: Awaited<ReturnType<typeof startAuthentication>>;
      try {
        response = await startAuthentication({ optionsJSON: options.data });
      } catch (e) {
        return setError(ceremonyError(e));
      }
      const verified = await sendJson("/api/review-links/passkey/verify", "POST", { token, response });
      if (!verified.ok) return setError(verified.message);
      router.refresh();
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="confirm-you-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3">
      <h1 id="confirm-you-heading" className="text-xl font-semibold">
        Confirm it's you
      </h1>
      <p className="text-sm text-slate-700">This link lets the reviewer it was sent to decide one request, once. Confirm it is you to see the request.</p>
      {notice && (
        <p data-testid="passkey-notice" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" data-testid="passkey-error" className="text-sm font-medium text-red-700">
          {error}
        </p>
      )}
      <div className="grid gap-2">
        <button
          type="button"
          disabled={busy}
          onClick={() => void confirm()}
          className="rounded-md bg-accent px-4 py-3 text-base font-semibold text-white disabled:opacity-50"
        >
          Use your passkey
        </button>
        {signInHref && (
          <a href={signInHref} className="rounded-md border border-slate-300 bg-white px-4 py-3 text-center text-base font-semibold text-slate-800">
            Sign in with password
          </a>
        )}
      </div>
    </section>
  );
}
