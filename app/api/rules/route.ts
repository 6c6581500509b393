import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZRule } from "@/lib/policy/policy.types";
import { createRule, listRules } from "@/lib/rules/create-rule";
import { loadPolicy } from "@/lib/rules/policy-versions";

// GET /api/rules: the ordered rules, the policy default and the current version.
export const GET = withAuth(
  async () => {
    const policy = await loadPolicy();
    return Response.json({ version: Number(policy.version), default: policy.default, rules: await listRules() });
  },
  { permission: "rules:read" },
);

// POST /api/rules: appends a rule (the DESIGN.md rule shape) as a new policy version; running bridges reload at once.
export const POST = withAuth(
  async (req, { user }) => Response.json(await createRule({ rule: await parseJsonBody(req, ZRule), author: user.email, actorId: user.id }), { status: 201 }),
  { permission: "rules:write" },
);
