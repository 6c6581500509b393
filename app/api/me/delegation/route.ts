import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { getDelegation, setDelegation, ZDelegation } from "@/lib/users/delegation";

// GET /api/me/delegation: the caller's away delegate. PUT {delegateEmail, until} sets it; both null clear it.
export const GET = withAuth(async (_req, { user }) => Response.json(await getDelegation(user.id)), { permission: "approvals:decide" });

export const PUT = withAuth(
  async (req, { user }) => {
    const body = await parseJsonBody(req, ZDelegation);
    return Response.json(await setDelegation(user, body));
  },
  { permission: "approvals:decide" },
);
