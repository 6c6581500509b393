import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withBridge } from "@/lib/api/with-bridge";
import { createApproval } from "@/lib/approvals/create-approval";
import { ZCreateApproval } from "@/lib/bridge-api/bridge-api.types";

// POST /api/bridge/approvals: a bridge holds a call and asks reviewers (bridge token).
export const POST = withBridge(async (req, { bridge }) => {
  const input = await parseJsonBody(req, ZCreateApproval, 2_000_000);
  return Response.json(await createApproval({ bridge, input }), { status: 201 });
});
