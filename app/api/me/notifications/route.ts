import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { getNotificationSettings, setNotificationSettings } from "@/lib/notifications/settings";
import { ZNotificationSettings } from "@/lib/notifications/validation";

// GET /api/me/notifications: the caller's alert settings and how many browsers get pushes.
export const GET = withAuth(async (_req, { user }) => Response.json(await getNotificationSettings(user.id)), { permission: "approvals:decide" });

// PATCH /api/me/notifications {emailAlerts}: turns the caller's alert emails on or off.
export const PATCH = withAuth(async (req, { user }) => Response.json(await setNotificationSettings(user.id, await parseJsonBody(req, ZNotificationSettings))), {
  permission: "approvals:decide",
});
