import { LiveQueue } from "@/components/queue/live-queue";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { recentSessionAlerts } from "@/lib/audit/session-alerts";

export const dynamic = "force-dynamic";

// The reviewers' queue: pending requests, newest first, kept live by LiveQueue.
export default async function QueuePage() {
  const [{ items }, alerts] = await Promise.all([listApprovals({ status: ["pending"], limit: 200 }), recentSessionAlerts()]);
  return <LiveQueue initial={items} initialAlerts={alerts} />;
}
