// POST /api/bridge/audit: a batch of call events seen by a bridge. Handler in lib/bridge-api/bridge-routes.ts.
export { postAudit as POST } from "@/lib/bridge-api/bridge-routes";
