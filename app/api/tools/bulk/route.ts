import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { assertAdministersSomeServer } from "@/lib/server-admins/administered-servers";
import { decideTools } from "@/lib/tools/inventory";
import { ZBulkToolDecision } from "@/lib/users/admin-users.types";

// POST /api/tools/bulk: {"action","tools":[{"id","definitionHash"}]}: all or nothing, each through the single-tool checks.
export const POST = withAuth(
  async (req, { user }) => {
    await assertAdministersSomeServer(user);
    const { action, tools } = await parseJsonBody(req, ZBulkToolDecision);
    const decisions = tools.map((t) => ({ ...t, action }));
    return Response.json({ tools: await decideTools({ decisions, actor: user }) });
  },
  { permission: "servers:administer" },
);
