import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { metricsAccess } from "./metrics-access";

/** Options for {@link serveMetrics}. */
export interface ServeMetricsOptions {
  registry: Registry;
  /** The client's address as the server decided it. */
  clientAddress: string | undefined;
  /** AIRLOCK_METRICS_TOKEN. */
  token: string | undefined;
  /** Logs a failed collection (never the request's headers). */
  onError: (error: unknown) => void;
}

/** Answers `GET /metrics` in Prometheus' text format if the client may scrape; returns false for any other request. */
export function serveMetrics(req: IncomingMessage, res: ServerResponse, options: ServeMetricsOptions): boolean {
  if ((req.method !== "GET" && req.method !== "HEAD") || (req.url !== "/metrics" && !req.url?.startsWith("/metrics?"))) return false;
  const status = metricsAccess({
    authorization: req.headers.authorization,
    clientAddress: options.clientAddress,
    isForwarded: req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined,
    token: options.token,
  });
  if (status === 401) {
    res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain", "cache-control": "no-store" }).end("unauthorized\n");
    return true;
  }
  if (status === 404) {
    res.writeHead(404, { "content-type": "text/plain", "cache-control": "no-store" }).end("not found\n");
    return true;
  }
  options.registry.metrics().then(
    (text) => res.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : text),
    (error) => {
      options.onError(error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n");
    },
  );
  return true;
}
