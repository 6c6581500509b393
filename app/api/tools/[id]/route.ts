import { withAuth } from "@/lib/api/with-auth";
import { getInventoryTool } from "@/lib/tools/inventory";

// GET /api/tools/:id: one tool, its current and pinned definitions and their differences.
export const GET = withAuth<{ id: string }>(async (_req, { params }) => Response.json(await getInventoryTool(params.id)), { permission: "admin:read" });
