import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZSetServerAdmins } from "@/lib/server-admins/server-admins.types";
import { listServerAdmins, setServerAdmins } from "@/lib/server-admins/set-server-admins";

// GET /api/server-admins: every reviewer who administers servers, and which.
export const GET = withAuth(async () => Response.json({ serverAdmins: await listServerAdmins() }), { permission: "users:manage" });

// PUT /api/server-admins {email, servers: [name…]}: the whole list of servers one reviewer administers ([] removes them all); audited.
export const PUT = withAuth(async (req, { user }) => Response.json(await setServerAdmins({ input: await parseJsonBody(req, ZSetServerAdmins), actor: user })), {
  permission: "users:manage",
});
