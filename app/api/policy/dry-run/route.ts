import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { ZPolicy } from "@/lib/policy/policy.types";
import { dryRunPolicy } from "@/lib/rules/policy-simulation";

const ZBody = z.object({ policy: ZPolicy, limit: z.number().int().min(1).max(5_000).default(500) }).strict();

// POST /api/policy/dry-run: replays the last N recorded calls through a candidate policy; lists what would change.
export const POST = withAuth(
  async (req) => {
    const { policy, limit } = await parseJsonBody(req, ZBody, 5_000_000);
    return Response.json(await dryRunPolicy(policy, { limit }));
  },
  { permission: "rules:read" },
);
