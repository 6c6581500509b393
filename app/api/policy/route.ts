import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { ZPolicy } from "@/lib/policy/policy.types";
import { formatPolicyFile } from "@/lib/rules/policy-file";
import { loadPolicy, replacePolicy } from "@/lib/rules/policy-versions";

const ZExportQuery = z.object({ format: z.enum(["yaml", "json"]).default("yaml") }).strict();
const ZApplyBody = z.object({ policy: ZPolicy, comment: z.string().max(1000).optional(), dryRun: z.boolean().default(false) }).strict();

// GET /api/policy?format=yaml|json: the current policy as a policy file (policy as code).
export const GET = withAuth(
  async (req) => {
    const { format } = parseSearchParams(req.url, ZExportQuery);
    const body = formatPolicyFile(await loadPolicy(), format);
    return new Response(body, { headers: { "content-type": format === "json" ? "application/json" : "application/yaml; charset=utf-8" } });
  },
  { permission: "rules:read" },
);

// PUT /api/policy: validates a whole policy, returns the plan, and applies it as one new version (unless dryRun).
export const PUT = withAuth(
  async (req, { user }) => {
    const { policy, comment, dryRun } = await parseJsonBody(req, ZApplyBody);
    return Response.json(await replacePolicy({ policy, author: user.email, actorId: user.id, comment, isDryRun: dryRun }));
  },
  { permission: "rules:write" },
);
