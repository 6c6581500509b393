import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { setGroupMembers } from "@/lib/groups/change-groups";
import { ZSetGroupMembers } from "@/lib/groups/groups.types";

// PUT /api/groups/{id}/members {members: [email…]}: the whole membership (reviewers and admins only); the change is audited.
export const PUT = withAuth<{ id: string }>(
  async (req, { params, user }) =>
    Response.json(await setGroupMembers({ groupId: requireId(params.id), input: await parseJsonBody(req, ZSetGroupMembers), actor: user })),
  { permission: "users:manage" },
);
