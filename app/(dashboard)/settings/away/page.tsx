import { AwayDelegate } from "@/components/settings/away-delegate";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/ui/session";
import { getDelegation } from "@/lib/users/delegation";

export const dynamic = "force-dynamic";

// A reviewer's absence and delegate.
export default async function AwayPage() {
  const user = await requirePageUser("/settings/away");
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">Away and delegate</h1>
      {can(user.role, "approvals:decide") ? (
        <AwayDelegate initial={await getDelegation(user.id)} />
      ) : (
        <p className="text-slate-700">Your role ({user.role}) does not decide requests, so there are no alerts to pass on.</p>
      )}
    </section>
  );
}
