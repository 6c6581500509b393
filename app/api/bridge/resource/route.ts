// POST /api/bridge/resource: a bridge reports the URL of its OAuth-protected MCP endpoint (bridge token). Handler in lib/bridge-api/bridge-routes.ts.
export { postResource as POST } from "@/lib/bridge-api/bridge-routes";
