// POST /api/bridge/grant-keys: a bridge registers a grant-signing public key. Handler in lib/bridge-api/bridge-routes.ts.
export { postGrantKey as POST } from "@/lib/bridge-api/bridge-routes";
