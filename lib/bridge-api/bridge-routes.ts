import { parseJsonBody } from "../api/handle-api-error";
import { requireId } from "../api/search-params";
import { withBridge } from "../api/with-bridge";
import { createApproval } from "../approvals/create-approval";
import { getApprovalState } from "../approvals/get-approval-state";
import { recordApprovalResult } from "../approvals/record-approval-result";
import { withdrawApprovalByKey } from "../approvals/withdraw-approval";
import { recordBridgeEvents } from "../audit/record-bridge-events";
import { ZGrantKeyRegistration } from "../grants/grant.types";
import { registerGrantKey } from "../grants/register-grant-key";
import { setBridgeResource } from "../oauth/bridge-resources";
import { ZBridgeResource } from "../oauth/oauth.types";
import { dashboardMetrics } from "../observability/dashboard-metrics";
import { annotateApproval, inSpan } from "../observability/tracer";
import { loadPolicy } from "../rules/policy-versions";
import { reportTools } from "../tools/inventory";
import { secretsForBridge } from "../upstream-secrets/secrets-for-bridge";
import { ZApprovalResult, ZBridgeAuditBatch, ZCreateApproval, ZToolReport, ZWithdrawByKey } from "./bridge-api.types";

// The bridge API's handlers, in one place: app/api/bridge/*/route.ts re-export
// them for Next's router, and lib/server/serve-bridge-api.ts serves the same
// handlers without it (the held path's requests skip Next's routing).

/** GET /api/bridge/policy: the rules a bridge enforces locally. */
export const getBridgePolicy = withBridge(async (_req, { bridge }) => Response.json({ bridge, policy: await loadPolicy() }));

/** POST /api/bridge/approvals: a bridge holds a call and asks reviewers. */
export const postApproval = withBridge(async (req, { bridge }) => {
  const input = await parseJsonBody(req, ZCreateApproval, 2_000_000);
  const state = await inSpan("airlock.approval.create", {}, async () => {
    const created = await createApproval({ bridge, input });
    annotateApproval(created.id);
    return created;
  });
  annotateApproval(state.id);
  dashboardMetrics().countFindings(input.findings);
  return Response.json(state, { status: 201 });
});

/** GET /api/bridge/approvals/{id}: the state of a bridge's own request (the polling fallback). */
export const getApproval = withBridge<{ id: string }>(async (_req, { params, bridge }) =>
  Response.json(
    await inSpan("airlock.approval.get_state", { "airlock.approval_id": params.id }, () =>
      getApprovalState({ bridgeId: bridge.id, approvalId: requireId(params.id) }),
    ),
  ),
);

/** POST /api/bridge/approvals/{id}/result: withdrawn (client cancelled), executed, failed upstream, or held again. */
export const postApprovalResult = withBridge<{ id: string }>(async (req, { params, bridge }) => {
  const result = await parseJsonBody(req, ZApprovalResult);
  await inSpan("airlock.approval.record_result", { "airlock.approval_id": params.id, "airlock.outcome": result.outcome }, () =>
    recordApprovalResult({ bridgeId: bridge.id, approvalId: requireId(params.id), result }),
  );
  return Response.json({ ok: true });
});

/** POST /api/bridge/approvals/withdraw: withdraw the request made with an idempotency key (the bridge gave up on it). */
export const postWithdraw = withBridge(async (req, { bridge }) => {
  const { idempotencyKey } = await parseJsonBody(req, ZWithdrawByKey);
  return Response.json(await withdrawApprovalByKey({ bridgeId: bridge.id, idempotencyKey }));
});

/** POST /api/bridge/audit: a batch of call events seen by a bridge. */
export const postAudit = withBridge(async (req, { bridge }) => {
  const { events } = await parseJsonBody(req, ZBridgeAuditBatch, 5_000_000);
  return Response.json(await recordBridgeEvents({ bridgeId: bridge.id, events }), { status: 202 });
});

/** POST /api/bridge/tools: the tools one upstream lists; the answer says which the bridge may expose. */
export const postTools = withBridge(async (req, { bridge }) => {
  const report = await parseJsonBody(req, ZToolReport, 10_000_000);
  return Response.json({ tools: await reportTools(bridge, report) });
});

/** POST /api/bridge/grant-keys: a bridge registers the public half of a new grant-signing key (published as JWKS) before signing with it. */
export const postGrantKey = withBridge(async (req, { bridge }) => {
  const registration = await parseJsonBody(req, ZGrantKeyRegistration);
  return Response.json(await registerGrantKey({ bridgeId: bridge.id, registration }), { status: 201 });
});

/** POST /api/bridge/resource: a bridge serving MCP with OAuth reports its resource URL (the audience of its access tokens). */
export const postResource = withBridge(async (req, { bridge }) => {
  const { resourceUrl } = await parseJsonBody(req, ZBridgeResource);
  return Response.json(await setBridgeResource({ bridgeId: bridge.id, resourceUrl }));
});
/** GET /api/bridge/secrets: the credentials this bridge hands to its upstreams (never cached, never logged). */
export const getBridgeSecrets = withBridge(async (_req, { bridge }) =>
  Response.json(await secretsForBridge(bridge.id), { headers: { "cache-control": "no-store" } }),
);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** method, path pattern (`:id` a segment), handler. */
const ROUTES: [string, RegExp, Handler][] = [
  ["GET", /^\/api\/bridge\/policy$/, getBridgePolicy as Handler],
  ["POST", /^\/api\/bridge\/approvals$/, postApproval as Handler],
  ["POST", /^\/api\/bridge\/approvals\/withdraw$/, postWithdraw as Handler],
  ["GET", /^\/api\/bridge\/approvals\/(?<id>[^/]+)$/, getApproval as Handler],
  ["POST", /^\/api\/bridge\/approvals\/(?<id>[^/]+)\/result$/, postApprovalResult as Handler],
  ["POST", /^\/api\/bridge\/audit$/, postAudit as Handler],
  ["POST", /^\/api\/bridge\/tools$/, postTools as Handler],
  ["POST", /^\/api\/bridge\/grant-keys$/, postGrantKey as Handler],
  ["POST", /^\/api\/bridge\/resource$/, postResource as Handler],
  ["GET", /^\/api\/bridge\/secrets$/, getBridgeSecrets as Handler],
];

/** The bridge API handler for a method and path, with its path parameters; null when none matches (Next answers then). */
export function matchBridgeRoute(method: string, pathname: string): { handler: Handler; params: Record<string, string> } | null {
  for (const [m, pattern, handler] of ROUTES) {
    if (m !== method) continue;
    const match = pattern.exec(pathname);
    if (match) return { handler, params: Object.fromEntries(Object.entries(match.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
  }
  return null;
}
