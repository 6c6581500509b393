import { LiveQueue } from "@/components/queue/live-queue";
import { listApprovals } from "@/lib/approvals/list-approvals";

export const dynamic = "force-dynamic";

// The reviewers' queue: pending requests, newest first, kept live by LiveQueue.
export default async function QueuePage() {
  const { items } = await listApprovals({ status: ["pending"], limit: 200 });
  return <LiveQueue initial={items} />;
}
