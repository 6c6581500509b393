import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { resetPassword } from "@/lib/users/manage-users";

// POST /api/users/:id/reset-password: the old password stops working, sessions end; answers a new one-time set-password link once.
export const POST = withAuth<{ id: string }>(
  async (_req, { params, user }) => Response.json(await resetPassword({ id: requireId(params.id), by: { id: user.id, email: user.email } })),
  { permission: "users:manage" },
);
