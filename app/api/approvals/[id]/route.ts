import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { getApproval } from "@/lib/approvals/list-approvals";

// GET /api/approvals/{id}: one request with its prompt, context, action and decisions.
export const GET = withAuth<{ id: string }>(async (_req, { params }) => Response.json(await getApproval(requireId(params.id))), {
  permission: "approvals:read",
});
