import { z } from "zod";
import { parseSearchParams } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { serversVisibleTo } from "@/lib/server-admins/administered-servers";
import { listInventory } from "@/lib/tools/inventory";

const ZQuery = z.object({ unusedDays: z.coerce.number().int().min(1).max(3650).default(30) }).strict();

// GET /api/tools: the tool inventory, with unused candidates flagged (a per-server admin sees their servers' tools).
export const GET = withAuth(
  async (req, { user }) => {
    const { unusedDays } = parseSearchParams(req.url, ZQuery);
    return Response.json({ items: await listInventory({ unusedDays, servers: await serversVisibleTo(user) }) });
  },
  { permission: "servers:read" },
);
