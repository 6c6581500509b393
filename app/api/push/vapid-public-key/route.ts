import { withAuth } from "@/lib/api/with-auth";
import { vapidKeys } from "@/lib/notifications/push";

// GET /api/push/vapid-public-key: the applicationServerKey a browser subscribes with.
export const GET = withAuth(async () => Response.json({ publicKey: vapidKeys().publicKey }), { permission: "approvals:decide" });
