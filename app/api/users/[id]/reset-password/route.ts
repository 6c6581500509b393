import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { assertPasswordSignInOn } from "@/lib/auth/assert-password-sign-in";
import { resetPassword } from "@/lib/users/manage-users";

// POST /api/users/:id/reset-password: the old password stops working, sessions end; answers a new one-time set-password link once; 403 when passwords are off.
export const POST = withAuth<{ id: string }>(
  async (_req, { params, user }) => {
    assertPasswordSignInOn();
    return Response.json(await resetPassword({ id: requireId(params.id), by: { id: user.id, email: user.email } }));
  },
  { permission: "users:manage" },
);
