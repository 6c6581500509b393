import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { revokeOwnToken } from "@/lib/users/personal-tokens";

// POST /api/tokens/:id/revoke: revokes one of the caller's own tokens (another's is 404).
export const POST = withAuth<{ id: string }>(async (_req, { params, user }) => Response.json(await revokeOwnToken({ user, id: requireId(params.id) })), {
  permission: "tokens:own",
});
