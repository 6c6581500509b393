import { LiveQueue } from "@/components/queue/live-queue";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { recentSessionAlerts } from "@/lib/audit/session-alerts";
import { can } from "@/lib/auth/roles";
import { parseQueueFilters } from "@/lib/queue/queue-filters";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// The reviewers' queue: pending requests, newest first, kept live by LiveQueue.
export default async function QueuePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) if (typeof value === "string") query.set(key, value);
  const [{ items }, alerts] = await Promise.all([listApprovals({ status: ["pending"], limit: 500 }), recentSessionAlerts()]);
  return (
    <LiveQueue
      initial={items}
      initialAlerts={alerts}
      initialFilters={parseQueueFilters(query)}
      reviewer={{ email: user.email, mayDecide: can(user.role, "approvals:decide") }}
    />
  );
}
