import { withAuth } from "@/lib/api/with-auth";
import { sendTestEvent } from "@/lib/notifications/webhooks";

// POST /api/webhooks/:id/test: sends a "webhook.test" event to this endpoint and answers with the delivery after its first attempt.
export const POST = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await sendTestEvent(params.id, user)), {
  permission: "admin:write",
});
