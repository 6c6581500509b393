import { z } from "zod";
import { withAuth } from "@/lib/api/with-auth";
import { fromZodError } from "@/lib/errors/app-error";
import { listDeliveries } from "@/lib/notifications/webhooks";

const ZQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    status: z.enum(["pending", "sending", "succeeded", "failed"]).optional(),
  })
  .strict();

// GET /api/webhooks/:id/deliveries?limit=&status=: the endpoint's delivery log, newest first, with every attempt.
export const GET = withAuth<{ id: string }>(
  async (req, { params }) => {
    const parsed = ZQuery.safeParse(Object.fromEntries(req.nextUrl.searchParams));
    if (!parsed.success) throw fromZodError(parsed.error, "query");
    return Response.json({ deliveries: await listDeliveries(params.id, parsed.data) });
  },
  { permission: "admin:write" },
);
