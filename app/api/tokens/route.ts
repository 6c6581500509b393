import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZCreateToken } from "@/lib/users/admin-users.types";
import { createOwnToken, listOwnTokens } from "@/lib/users/personal-tokens";

// GET /api/tokens: the caller's own personal tokens (prefix, created, last used, expiry, revoked).
export const GET = withAuth(async (_req, { user }) => Response.json({ tokens: await listOwnTokens(user.id) }), { permission: "tokens:own" });

// POST /api/tokens: {"name","expiresAt"?} → the token, once.
export const POST = withAuth(
  async (req, { user }) => {
    const { name, expiresAt } = await parseJsonBody(req, ZCreateToken);
    return Response.json(await createOwnToken({ user, name, expiresAt: expiresAt ?? null }), { status: 201 });
  },
  { permission: "tokens:own" },
);
