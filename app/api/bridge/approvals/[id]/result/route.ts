import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withBridge } from "@/lib/api/with-bridge";
import { recordApprovalResult } from "@/lib/approvals/record-approval-result";
import { ZApprovalResult } from "@/lib/bridge-api/bridge-api.types";

// POST /api/bridge/approvals/{id}/result: withdrawn (client cancelled), executed, or failed upstream.
export const POST = withBridge<{ id: string }>(async (req, { params, bridge }) => {
  const result = await parseJsonBody(req, ZApprovalResult);
  await recordApprovalResult({ bridgeId: bridge.id, approvalId: requireId(params.id), result });
  return Response.json({ ok: true });
});
