import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { ZDecideApprovalBody } from "@/lib/approvals/decide-approval.types";

// POST /api/approvals/{id}/decision: approve (optionally with edited arguments) or reject; 409 once decided.
export const POST = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    const body = await parseJsonBody(req, ZDecideApprovalBody);
    return Response.json(await decideApproval({ approvalId: requireId(params.id), reviewer: user, body }));
  },
  { permission: "approvals:decide" },
);
