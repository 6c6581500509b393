// POST /api/bridge/approvals/{id}/result: what became of an approved or withdrawn call. Handler in lib/bridge-api/bridge-routes.ts.
export { postApprovalResult as POST } from "@/lib/bridge-api/bridge-routes";
