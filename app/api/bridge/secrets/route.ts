// GET /api/bridge/secrets: the credentials a bridge hands to its upstreams (bridge token). Handler in lib/bridge-api/bridge-routes.ts.
export { getBridgeSecrets as GET } from "@/lib/bridge-api/bridge-routes";
