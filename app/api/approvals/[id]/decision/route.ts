import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { decideApproval } from "@/lib/approvals/decide-approval";
import { ZDecideApprovalBody } from "@/lib/approvals/decide-approval.types";
import { APPROVAL_ID_ATTRIBUTE, inSpan } from "@/lib/observability/tracer";

// POST /api/approvals/{id}/decision: approve (optionally with edited arguments) or reject; 409 once decided.
export const POST = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    const body = await parseJsonBody(req, ZDecideApprovalBody);
    const approvalId = requireId(params.id);
    // Its own trace (a reviewer's request, not the bridge's), named by the approval like the held call's spans.
    return Response.json(
      await inSpan("airlock.approval.decide", { [APPROVAL_ID_ATTRIBUTE]: approvalId }, () => decideApproval({ approvalId, reviewer: user, body })),
    );
  },
  { permission: "approvals:decide" },
);
