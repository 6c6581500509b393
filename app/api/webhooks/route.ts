import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZCreateWebhook } from "@/lib/notifications/validation";
import { createWebhook, listWebhooks } from "@/lib/notifications/webhooks";

// GET /api/webhooks: the outbound webhook endpoints (never their secrets). Admins only: a URL can be a secret (Slack's are).
export const GET = withAuth(async () => Response.json({ endpoints: await listWebhooks() }), { permission: "admin:write" });

// POST /api/webhooks: adds an endpoint; the answer carries its signing secret, shown this once.
export const POST = withAuth(async (req, { user }) => Response.json(await createWebhook(await parseJsonBody(req, ZCreateWebhook), user), { status: 201 }), {
  permission: "admin:write",
});
