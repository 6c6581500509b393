import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { setBridgeNewTools } from "@/lib/tools/inventory";

const ZBridgeSettings = z.object({ newTools: z.enum(["enabled", "disabled"]) }).strict();

// PATCH /api/bridges/:id: a bridge's settings (whether tools it reports for the first time start enabled).
export const PATCH = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    const { newTools } = await parseJsonBody(req, ZBridgeSettings);
    return Response.json(await setBridgeNewTools(params.id, newTools, user.id));
  },
  { permission: "admin:write" },
);
