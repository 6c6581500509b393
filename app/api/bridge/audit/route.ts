import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withBridge } from "@/lib/api/with-bridge";
import { recordBridgeEvents } from "@/lib/audit/record-bridge-events";
import { ZBridgeAuditBatch } from "@/lib/bridge-api/bridge-api.types";

// POST /api/bridge/audit: a batch of call events seen by a bridge.
export const POST = withBridge(async (req, { bridge }) => {
  const { events } = await parseJsonBody(req, ZBridgeAuditBatch, 5_000_000);
  return Response.json(await recordBridgeEvents({ bridgeId: bridge.id, events }), { status: 202 });
});
