import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { assertAdministersSomeServer } from "@/lib/server-admins/administered-servers";
import { decideTool } from "@/lib/tools/inventory";

const ZToolDecision = z
  .object({
    action: z.enum(["enable", "disable"]),
    /** The hash of the definition the admin reviewed; a newer one is refused with 409. */
    definitionHash: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hex digest"),
    /** Required to enable a tool with high detector findings: the admin read them (recorded in the audit trail). */
    acknowledgeFindings: z.boolean().optional(),
  })
  .strict();

// POST /api/tools/:id/decision: enable (pinning the reviewed definition) or disable a tool.
export const POST = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    await assertAdministersSomeServer(user);
    const { action, definitionHash, acknowledgeFindings } = await parseJsonBody(req, ZToolDecision);
    return Response.json(await decideTool({ id: params.id, action, definitionHash, acknowledgeFindings, actor: user }));
  },
  { permission: "servers:administer" },
);
