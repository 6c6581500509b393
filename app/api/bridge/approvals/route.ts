// POST /api/bridge/approvals: a bridge holds a call and asks reviewers. Handler in lib/bridge-api/bridge-routes.ts.
export { postApproval as POST } from "@/lib/bridge-api/bridge-routes";
