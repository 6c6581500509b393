import { withAuth } from "@/lib/api/with-auth";
import { redeliver } from "@/lib/notifications/webhooks";

// POST /api/webhooks/deliveries/:id/redeliver: sends that delivery's message again (same webhook-id), as a new delivery.
export const POST = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await redeliver(params.id, user)), {
  permission: "admin:write",
});
