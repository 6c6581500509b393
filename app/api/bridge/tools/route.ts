import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withBridge } from "@/lib/api/with-bridge";
import { ZToolReport } from "@/lib/bridge-api/bridge-api.types";
import { reportTools } from "@/lib/tools/inventory";

// POST /api/bridge/tools: the tools one upstream lists; the answer says which the bridge may expose.
export const POST = withBridge(async (req, { bridge }) => {
  const report = await parseJsonBody(req, ZToolReport, 10_000_000);
  return Response.json({ tools: await reportTools(bridge, report) });
});
