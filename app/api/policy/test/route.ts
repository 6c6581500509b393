import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZPolicy } from "@/lib/policy/policy.types";
import { testCall, ZTestCall } from "@/lib/rules/policy-simulation";
import { loadPolicy } from "@/lib/rules/policy-versions";

const ZBody = z.object({ policy: ZPolicy.optional(), call: ZTestCall }).strict();

// POST /api/policy/test: which rule of a policy (the current one by default) decides a call, and why each other did not.
export const POST = withAuth(
  async (req) => {
    const { policy, call } = await parseJsonBody(req, ZBody);
    return Response.json(testCall(policy ?? (await loadPolicy()), call));
  },
  { permission: "rules:read" },
);
