import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { revokeBridgeToken } from "@/lib/bridges/bridge-tokens";

// POST /api/bridges/:id/revoke: the bridge's token stops working at once (its sockets close).
export const POST = withAuth<{ id: string }>(
  async (_req, { params, user }) => Response.json(await revokeBridgeToken({ id: requireId(params.id), by: { id: user.id, email: user.email } })),
  { permission: "admin:write" },
);
