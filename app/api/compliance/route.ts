import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { chartCsv, complianceReport } from "@/lib/compliance/report";
import { ZComplianceQuery } from "@/lib/compliance/report.types";

// GET /api/compliance?from=YYYY-MM-DD&to=YYYY-MM-DD[&chart=NAME&format=csv]: the Compliance page's
// figures as JSON, or one chart's rows as a CSV download (admin, auditor).
export const GET = withAuth(
  async (req) => {
    const query = parseSearchParams(req.url, ZComplianceQuery);
    const report = await complianceReport(query);
    if (query.format === "csv") {
      const chart = query.chart ?? "outcomesByDay";
      return new Response(chartCsv(report, chart), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="airlock-${chart}-${report.from}-${report.to}.csv"`,
        },
      });
    }
    return Response.json(query.chart ? { from: report.from, to: report.to, [query.chart]: report[query.chart] } : report);
  },
  { permission: "admin:read" },
);
