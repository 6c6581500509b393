import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZUpdateWebhook } from "@/lib/notifications/validation";
import { deleteWebhook, updateWebhook } from "@/lib/notifications/webhooks";

// PATCH /api/webhooks/:id: url, eventTypes, format, enabled, description.
export const PATCH = withAuth<{ id: string }>(
  async (req, { params, user }) => Response.json(await updateWebhook(params.id, await parseJsonBody(req, ZUpdateWebhook), user)),
  { permission: "admin:write" },
);

// DELETE /api/webhooks/:id: removes the endpoint and its delivery log.
export const DELETE = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await deleteWebhook(params.id, user)), {
  permission: "admin:write",
});
