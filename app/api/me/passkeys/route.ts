import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { addPasskey, listPasskeys, ZAddPasskey } from "@/lib/passkeys/passkeys";
import { relyingParty, requestOrigin } from "@/lib/passkeys/relying-party";

// GET /api/me/passkeys: the caller's passkeys (name, created, last used).
export const GET = withAuth(async (_req, { user }) => Response.json({ passkeys: await listPasskeys(user.id) }), { permission: "approvals:decide" });

// POST /api/me/passkeys {name, response}: verifies the browser's registration answer to /api/me/passkeys/options and stores the passkey.
export const POST = withAuth(
  async (req, { user }) => {
    const body = await parseJsonBody(req, ZAddPasskey, 64_000);
    return Response.json(await addPasskey(user, relyingParty(requestOrigin(req)), body), { status: 201 });
  },
  { permission: "approvals:decide" },
);
