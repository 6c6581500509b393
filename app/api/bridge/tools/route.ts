// POST /api/bridge/tools: the tools one upstream lists, and which the bridge may expose. Handler in lib/bridge-api/bridge-routes.ts.
export { postTools as POST } from "@/lib/bridge-api/bridge-routes";
