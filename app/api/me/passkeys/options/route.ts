import { withAuth } from "@/lib/api/with-auth";
import { registrationOptions } from "@/lib/passkeys/passkeys";
import { relyingParty, requestOrigin } from "@/lib/passkeys/relying-party";

// POST /api/me/passkeys/options: options for navigator.credentials.create, with a single-use challenge (5 minutes) bound to the caller.
export const POST = withAuth(async (req, { user }) => Response.json(await registrationOptions(user, relyingParty(requestOrigin(req)))), {
  permission: "approvals:decide",
});
