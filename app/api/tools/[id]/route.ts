import { withAuth } from "@/lib/api/with-auth";
import { serversVisibleTo } from "@/lib/server-admins/administered-servers";
import { getInventoryTool } from "@/lib/tools/inventory";

// GET /api/tools/:id: one tool, its current and pinned definitions and their differences.
export const GET = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await getInventoryTool(params.id, await serversVisibleTo(user))), {
  permission: "servers:read",
});
