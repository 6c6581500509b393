import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { ZUpdateUser } from "@/lib/users/admin-users.types";
import { setUserDisabled, setUserRole } from "@/lib/users/update-user";

// PATCH /api/users/:id: {"role"} or {"disabled"}; the user's sessions and sockets end. 409 when it would leave no enabled admin.
export const PATCH = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    const change = await parseJsonBody(req, ZUpdateUser);
    const id = requireId(params.id);
    const by = { id: user.id, email: user.email };
    if ("role" in change) await setUserRole({ id, role: change.role, by });
    else await setUserDisabled({ id, isDisabled: change.disabled, by });
    return Response.json({ id, ...change });
  },
  { permission: "users:manage" },
);
