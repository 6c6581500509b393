import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { createGroup } from "@/lib/groups/change-groups";
import { ZCreateGroup } from "@/lib/groups/groups.types";
import { listGroups } from "@/lib/groups/list-groups";

// GET /api/groups: approver groups, their members and the rules that name them (admins: it lists people's emails).
export const GET = withAuth(async () => Response.json({ groups: await listGroups() }), { permission: "users:manage" });

// POST /api/groups {name, description?}: a new, empty approver group (audited).
export const POST = withAuth(
  async (req, { user }) => Response.json(await createGroup({ input: await parseJsonBody(req, ZCreateGroup), actor: user }), { status: 201 }),
  { permission: "users:manage" },
);
