import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { listApprovals } from "@/lib/approvals/list-approvals";
import { ZListApprovalsQuery } from "@/lib/approvals/list-approvals.types";

// GET /api/approvals?status=pending|approved|rejected|expired|withdrawn: newest first, paged by cursor.
export const GET = withAuth(async (req) => Response.json(await listApprovals(parseSearchParams(req.url, ZListApprovalsQuery))), {
  permission: "approvals:read",
});
