import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { TOOL_SOURCES } from "@/lib/bridge-api/bridge-api.types";
import { tagTool } from "@/lib/tools/inventory";

const ZToolTags = z
  .object({
    /** What the tool's results bring into a session; null: infer it from the annotations and the name. */
    source: z.enum(TOOL_SOURCES).nullable().optional(),
    /** Whether a call sends data out of the organisation; null: infer it. */
    sink: z.boolean().nullable().optional(),
  })
  .strict()
  .refine((t) => t.source !== undefined || t.sink !== undefined, "give source, sink or both");

// PUT /api/tools/:id/tags: an admin's source/sink tags for the chain rule (audited; bridges re-read them).
export const PUT = withAuth<{ id: string }>(
  async (req, { params, user }) =>
    Response.json(await tagTool({ id: params.id, tags: await parseJsonBody(req, ZToolTags), actor: { id: user.id, email: user.email } })),
  { permission: "admin:write" },
);
