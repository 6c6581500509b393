// GET /api/bridge/approvals/{id}: the state of a bridge's own request. Handler in lib/bridge-api/bridge-routes.ts.
export { getApproval as GET } from "@/lib/bridge-api/bridge-routes";
