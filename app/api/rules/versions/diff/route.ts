import { z } from "zod";
import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { diffPolicyVersions } from "@/lib/rules/version-diff";

const ZQuery = z.object({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1) }).strict();

// GET /api/rules/versions/diff?from=N&to=M: a line diff of two versions' policy files.
export const GET = withAuth(
  async (req) => {
    const { from, to } = parseSearchParams(req.url, ZQuery);
    return Response.json(await diffPolicyVersions(from, to));
  },
  { permission: "rules:read" },
);
