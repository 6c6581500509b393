import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { assertAdministersSomeServer } from "@/lib/server-admins/administered-servers";
import { deleteUpstreamSecret } from "@/lib/upstream-secrets/delete-upstream-secret";

// DELETE /api/secrets/{id}: removes one upstream secret.
export const DELETE = withAuth<{ id: string }>(
  async (_req, { params, user }) => {
    await assertAdministersSomeServer(user);
    await deleteUpstreamSecret({ id: requireId(params.id), actor: user });
    return new Response(null, { status: 204 });
  },
  { permission: "servers:administer" },
);
