import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withBridge } from "@/lib/api/with-bridge";
import { withdrawApprovalByKey } from "@/lib/approvals/withdraw-approval";
import { ZWithdrawByKey } from "@/lib/bridge-api/bridge-api.types";

// POST /api/bridge/approvals/withdraw: withdraw the request made with an idempotency key (the bridge gave up on it).
export const POST = withBridge(async (req, { bridge }) => {
  const { idempotencyKey } = await parseJsonBody(req, ZWithdrawByKey);
  return Response.json(await withdrawApprovalByKey({ bridgeId: bridge.id, idempotencyKey }));
});
