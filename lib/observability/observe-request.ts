import type { IncomingMessage, ServerResponse } from "node:http";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { dashboardLog } from "./dashboard-log";
import { runWithRequestContext } from "./request-context";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request-id";
import { APPROVAL_ID_ATTRIBUTE, tracer } from "./tracer";

const BRIDGE_API = "/api/bridge/";
/** The bridge API's paths name approvals by id; spans are named by route, the id goes in an attribute. */
const APPROVAL_PATH = /^\/api\/bridge\/approvals\/(?!withdraw$)([^/]+)(\/result)?$/;

/** The route of a bridge API path (ids replaced), for span names and log lines. */
function routeOf(pathname: string): { route: string; approvalId?: string } {
  const match = APPROVAL_PATH.exec(pathname);
  if (!match) return { route: pathname };
  return { route: `/api/bridge/approvals/{id}${match[2] ?? ""}`, approvalId: decodeURIComponent(match[1]) };
}

/**
 * Serves one request in its context: a request id (the caller's X-Request-Id when short and
 * plain, else a new one) returned in the answer and carried by every log line written
 * meanwhile. Bridge API requests also continue the bridge's trace (W3C traceparent) in a
 * server span, and leave a debug line when answered. Without a tracer provider the span is
 * a no-op.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, serve: () => Promise<void>): Promise<void> {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.setHeader("X-Request-Id", requestId);
  const pathname = (req.url ?? "/").split("?")[0];
  if (!pathname.startsWith(BRIDGE_API)) return runWithRequestContext({ requestId }, serve);

  const started = performance.now();
  const { route, approvalId } = routeOf(pathname);
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer().startSpan(
    `${req.method} ${route}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": req.method ?? "GET",
        "http.route": route,
        "airlock.request_id": requestId,
        ...(approvalId ? { [APPROVAL_ID_ATTRIBUTE]: approvalId } : {}),
      },
    },
    parent,
  );
  res.once("close", () => {
    span.setAttribute("http.response.status_code", res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    runWithRequestContext({ requestId }, () =>
      dashboardLog().debug("bridge api request", { method: req.method, route, status: res.statusCode, durationMs: Math.round(performance.now() - started) }),
    );
  });
  return context.with(trace.setSpan(parent, span), () => runWithRequestContext({ requestId }, serve));
}
