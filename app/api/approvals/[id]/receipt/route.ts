import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { getApproval } from "@/lib/approvals/list-approvals";
import { AppError } from "@/lib/errors/app-error";

// GET /api/approvals/{id}/receipt: the signed approval receipt as a download (404 until decided).
export const GET = withAuth<{ id: string }>(
  async (_req, { params }) => {
    const approval = await getApproval(requireId(params.id));
    if (!approval.receipt) throw new AppError("not_found", { message: "this request has no receipt yet (it is not decided)" });
    return new Response(JSON.stringify(approval.receipt, null, 2), {
      headers: { "content-type": "application/json", "content-disposition": `attachment; filename="airlock-receipt-${approval.id}.json"` },
    });
  },
  { permission: "approvals:read" },
);
