import { AwayDelegate } from "@/components/settings/away-delegate";
import { requirePagePermission } from "@/lib/ui/session";
import { getDelegation } from "@/lib/users/delegation";

export const dynamic = "force-dynamic";

// A reviewer's absence and delegate.
export default async function AwayPage() {
  const user = await requirePagePermission("approvals:decide", "/settings/away");
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">Away and delegate</h1>
      <AwayDelegate initial={await getDelegation(user.id)} />
    </section>
  );
}
