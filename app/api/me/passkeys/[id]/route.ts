import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { removePasskey } from "@/lib/passkeys/passkeys";

// DELETE /api/me/passkeys/:id: deletes one of the caller's own passkeys (another's is 404).
export const DELETE = withAuth<{ id: string }>(
  async (_req, { params, user }) => {
    await removePasskey(user, requireId(params.id));
    return new Response(null, { status: 204 });
  },
  { permission: "approvals:decide" },
);
