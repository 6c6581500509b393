import { db } from "@/lib/db/prisma";

export const dynamic = "force-dynamic";

// GET /api/health: 200 when the database answers (for load balancers and start scripts).
export async function GET() {
  try {
    await db.user.count();
    return Response.json({ ok: true });
  } catch {
    return Response.json({ ok: false, error: { code: "unavailable", message: "database unreachable" } }, { status: 503 });
  }
}
