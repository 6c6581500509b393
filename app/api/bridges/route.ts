import { withAuth } from "@/lib/api/with-auth";
import { listBridges } from "@/lib/bridges/list-bridges";

// GET /api/bridges: registered bridges and the policy version each reports enforcing.
export const GET = withAuth(async () => Response.json({ bridges: await listBridges() }), { permission: "admin:read" });
