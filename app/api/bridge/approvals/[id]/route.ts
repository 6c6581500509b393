import { requireId } from "@/lib/api/search-params";
import { withBridge } from "@/lib/api/with-bridge";
import { getApprovalState } from "@/lib/approvals/get-approval-state";

// GET /api/bridge/approvals/{id}: the state of a bridge's own request (the polling fallback).
export const GET = withBridge<{ id: string }>(async (_req, { params, bridge }) =>
  Response.json(await getApprovalState({ bridgeId: bridge.id, approvalId: requireId(params.id) })),
);
