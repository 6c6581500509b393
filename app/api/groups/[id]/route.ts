import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { deleteGroup } from "@/lib/groups/change-groups";

// DELETE /api/groups/{id}: removes a group no rule names (409 otherwise); audited.
export const DELETE = withAuth<{ id: string }>(
  async (_req, { params, user }) => {
    await deleteGroup({ groupId: requireId(params.id), actor: user });
    return new Response(null, { status: 204 });
  },
  { permission: "users:manage" },
);
