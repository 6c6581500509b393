import { Passkeys } from "@/components/settings/passkeys";
import { listPasskeys } from "@/lib/passkeys/passkeys";
import { reviewLinkStepUp } from "@/lib/passkeys/step-up-policy";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// A reviewer's passkeys: they confirm it is them on a review link, instead of a password.
export default async function PasskeysPage() {
  const user = await requirePagePermission("approvals:decide", "/settings/passkeys");
  return (
    <section className="space-y-4" aria-labelledby="passkeys-heading">
      <h1 id="passkeys-heading" className="text-2xl font-semibold">
        Passkeys
      </h1>
      <p className="max-w-2xl text-sm text-slate-700">
        A passkey (your phone's or laptop's screen lock, or a security key) confirms it is you when you open a review link from an email or a push, without
        typing your password. {reviewLinkStepUp() === "passkey" ? "This dashboard requires one for every decision through a link." : ""} Airlock keeps only the
        passkey's public key.
      </p>
      <Passkeys initial={await listPasskeys(user.id)} />
    </section>
  );
}
