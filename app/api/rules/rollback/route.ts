import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { rollbackPolicy } from "@/lib/rules/policy-versions";

const ZRollbackBody = z.object({ version: z.number().int().min(1), comment: z.string().max(1000).optional() }).strict();

// POST /api/rules/rollback: makes an earlier version current again, as a new version.
export const POST = withAuth(
  async (req, { user }) => {
    const { version, comment } = await parseJsonBody(req, ZRollbackBody);
    return Response.json(await rollbackPolicy({ toVersion: version, author: user.email, actorId: user.id, comment }));
  },
  { permission: "rules:write" },
);
