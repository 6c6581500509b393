import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { createBridgeToken } from "@/lib/bridges/bridge-tokens";
import { listBridges } from "@/lib/bridges/list-bridges";
import { ZCreateBridge } from "@/lib/users/admin-users.types";

// GET /api/bridges: registered bridges with presence, clients, upstreams, pending requests and the policy version each enforces.
export const GET = withAuth(async () => Response.json({ bridges: await listBridges() }), { permission: "admin:read" });

// POST /api/bridges: {"name","newTools"?} registers a bridge; answers its token once.
export const POST = withAuth(
  async (req, { user }) => {
    const input = await parseJsonBody(req, ZCreateBridge);
    return Response.json(await createBridgeToken({ ...input, by: { id: user.id, email: user.email } }), { status: 201 });
  },
  { permission: "admin:write" },
);
