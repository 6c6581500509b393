import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { ZVerifyQuery } from "@/lib/audit/verify-chain.types";

// GET /api/audit/verify?from=SEQ&to=SEQ: walks the audit chain and names the first broken link.
// 200 with `ok: false` and the problems when it is broken (the request itself succeeded).
export const GET = withAuth(
  async (req) => {
    const { from, to } = parseSearchParams(req.url, ZVerifyQuery);
    return Response.json(await verifyAuditChain({ fromSeq: from, toSeq: to }), { headers: { "cache-control": "no-store" } });
  },
  { permission: "audit:verify" },
);
