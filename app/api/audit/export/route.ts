import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { exportAudit } from "@/lib/audit/export-audit";
import { ZAuditExportQuery } from "@/lib/audit/export-audit.types";

// GET /api/audit/export?format=csv|json|ndjson&from=&to=: the audit trail as a download.
export const GET = withAuth(
  async (req, { user }) => {
    const query = parseSearchParams(req.url, ZAuditExportQuery);
    const { body, contentType } = await exportAudit({ query, viewer: user });
    const filename = `airlock-audit-${new Date().toISOString().slice(0, 10)}.${query.format}`;
    return new Response(body, {
      headers: { "content-type": contentType, "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
    });
  },
  { permission: "audit:read" },
);
