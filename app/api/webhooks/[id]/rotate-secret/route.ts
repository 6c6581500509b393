import { withAuth } from "@/lib/api/with-auth";
import { rotateWebhookSecret } from "@/lib/notifications/webhooks";

// POST /api/webhooks/:id/rotate-secret: a new signing secret, in this answer only; the old one stops at once.
export const POST = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await rotateWebhookSecret(params.id, user)), {
  permission: "admin:write",
});
