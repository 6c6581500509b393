import { z } from "zod";
import { parseSearchParams, requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { buildEvidence, evidenceHtml } from "@/lib/approvals/evidence";

const ZEvidenceQuery = z.object({ format: z.enum(["json", "html"]).default("json") }).strict();

// GET /api/approvals/{id}/evidence?format=json|html: the request's whole evidence in one bundle,
// as JSON or a printable page. The page carries the agent's text: all of it escaped, and a
// Content-Security-Policy that lets no script run.
export const GET = withAuth<{ id: string }>(
  async (req, { params }) => {
    const { format } = parseSearchParams(req.url, ZEvidenceQuery);
    const evidence = await buildEvidence(requireId(params.id));
    if (format === "json") {
      return new Response(JSON.stringify(evidence, null, 2), {
        headers: { "content-type": "application/json", "content-disposition": `attachment; filename="airlock-evidence-${evidence.request.id}.json"` },
      });
    }
    return new Response(evidenceHtml(evidence), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      },
    });
  },
  { permission: "approvals:read" },
);
