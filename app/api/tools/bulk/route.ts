import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { decideTools } from "@/lib/tools/inventory";
import { ZBulkToolDecision } from "@/lib/users/admin-users.types";

// POST /api/tools/bulk: {"action","tools":[{"id","definitionHash"}]}: all or nothing, each through the single-tool checks.
export const POST = withAuth(
  async (req, { user }) => {
    const { action, tools } = await parseJsonBody(req, ZBulkToolDecision);
    const decisions = tools.map((t) => ({ ...t, action }));
    return Response.json({ tools: await decideTools({ decisions, actor: { id: user.id, email: user.email } }) });
  },
  { permission: "admin:write" },
);
