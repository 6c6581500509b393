import { withBridge } from "@/lib/api/with-bridge";
import { loadPolicy } from "@/lib/rules/policy-versions";

// GET /api/bridge/policy: the rules a bridge enforces locally (bridge token).
export const GET = withBridge(async (_req, { bridge }) => Response.json({ bridge, policy: await loadPolicy() }));
