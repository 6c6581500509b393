import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { exportAudit } from "@/lib/audit/export-audit";
import { ZAuditExportQuery } from "@/lib/audit/export-audit.types";

// GET /api/audit/export?format=csv|json|ndjson&from=&to=&server=&tool=&kind=&outcome=&reviewer=&cursor=&limit=
// The audit trail as a download, streamed: memory stays flat at any size.
export const GET = withAuth(
  async (req, { user }) => {
    const query = parseSearchParams(req.url, ZAuditExportQuery);
    const { stream, contentType, filename } = await exportAudit({ query, viewer: user });
    return new Response(stream, {
      headers: { "content-type": contentType, "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
    });
  },
  { permission: "audit:read" },
);
