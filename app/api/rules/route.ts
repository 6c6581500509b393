import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZRule } from "@/lib/policy/policy.types";
import { createRule, listRules } from "@/lib/rules/create-rule";
import { getPolicyDefault } from "@/lib/rules/load-policy";

// GET /api/rules: the ordered rules and the policy default.
export const GET = withAuth(
  async () => Response.json({ default: await getPolicyDefault(), rules: await listRules() }),
  { permission: "rules:read" },
);

// POST /api/rules: appends a rule (the DESIGN.md rule shape); running bridges reload at once.
export const POST = withAuth(
  async (req) => Response.json(await createRule({ rule: await parseJsonBody(req, ZRule) }), { status: 201 }),
  { permission: "rules:write" },
);
