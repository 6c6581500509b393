import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { deletePushSubscription, savePushSubscription } from "@/lib/notifications/push";
import { ZPushSubscription, ZPushUnsubscribe } from "@/lib/notifications/validation";

// POST /api/push/subscriptions: this browser's PushSubscription (its toJSON()) for the signed-in reviewer.
export const POST = withAuth(
  async (req, { user }) => {
    const subscription = await parseJsonBody(req, ZPushSubscription, 10_000);
    return Response.json(await savePushSubscription(user, subscription, req.headers.get("user-agent")), { status: 201 });
  },
  { permission: "approvals:decide" },
);

// DELETE /api/push/subscriptions {endpoint}: stops pushes to that browser (only the caller's own).
export const DELETE = withAuth(
  async (req, { user }) => {
    const { endpoint } = await parseJsonBody(req, ZPushUnsubscribe, 10_000);
    return Response.json(await deletePushSubscription(user, endpoint));
  },
  { permission: "approvals:decide" },
);
