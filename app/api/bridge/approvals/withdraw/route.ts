// POST /api/bridge/approvals/withdraw: withdraw a request by its idempotency key. Handler in lib/bridge-api/bridge-routes.ts.
export { postWithdraw as POST } from "@/lib/bridge-api/bridge-routes";
