import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { assertPasswordSignInOn } from "@/lib/auth/assert-password-sign-in";
import { ZInviteUser } from "@/lib/users/admin-users.types";
import { inviteUser, listUsers } from "@/lib/users/manage-users";

// GET /api/users: everyone, with role, status and last sign-in (admins).
export const GET = withAuth(async () => Response.json({ users: await listUsers() }), { permission: "users:manage" });

// POST /api/users: invites a user; answers the one-time set-password link once (only its hash is kept); 403 when passwords are off (SSO users are created at their first sign-in).
export const POST = withAuth(
  async (req, { user }) => {
    assertPasswordSignInOn();
    const input = await parseJsonBody(req, ZInviteUser);
    return Response.json(await inviteUser({ ...input, by: { id: user.id, email: user.email } }), { status: 201 });
  },
  { permission: "users:manage" },
);
