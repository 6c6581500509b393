import { checkDatabase } from "@/lib/db/check-database";

export const dynamic = "force-dynamic";

// GET /api/health: 200 when the database can be read and written (for load balancers and start scripts), else 503 saying which.
export async function GET() {
  const database = await checkDatabase();
  if (database.writable) return Response.json({ ok: true, database });
  return Response.json(
    { ok: false, database, error: { code: "unavailable", message: database.error ?? "database unavailable" } },
    { status: 503, headers: { "cache-control": "no-store" } },
  );
}
