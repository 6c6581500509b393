import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { assertAdministersSomeServer, serversVisibleTo } from "@/lib/server-admins/administered-servers";
import { listUpstreamSecrets } from "@/lib/upstream-secrets/list-upstream-secrets";
import { setUpstreamSecret } from "@/lib/upstream-secrets/set-upstream-secret";
import { ZSetUpstreamSecret } from "@/lib/upstream-secrets/upstream-secrets.types";

// GET /api/secrets: every upstream secret, masked (which upstream, variable or header, bridge, version; never a value);
// a per-server admin sees their servers' only.
export const GET = withAuth(async (_req, { user }) => Response.json({ secrets: await listUpstreamSecrets({ servers: await serversVisibleTo(user) }) }), {
  permission: "servers:read",
});

// POST /api/secrets {upstream, kind: "env"|"header", name, value, bridge?}: sets or rotates one; bridges apply it without a restart of the agent.
export const POST = withAuth(
  async (req, { user }) => {
    await assertAdministersSomeServer(user);
    const result = await setUpstreamSecret({ input: await parseJsonBody(req, ZSetUpstreamSecret), actor: user });
    return Response.json(result, { status: result.isNew ? 201 : 200 });
  },
  { permission: "servers:administer" },
);
