// GET /api/bridge/policy: the rules a bridge enforces locally (bridge token). Handler in lib/bridge-api/bridge-routes.ts.
export { getBridgePolicy as GET } from "@/lib/bridge-api/bridge-routes";
