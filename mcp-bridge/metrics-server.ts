import { createServer } from "node:http";
import { serveMetrics } from "../lib/observability/serve-metrics";
import { log } from "./log";
import type { BridgeMetrics } from "./metrics";

/** Options for {@link serveBridgeMetrics}. */
export interface ServeBridgeMetricsOptions {
  host: string;
  port: number;
  metrics: BridgeMetrics;
  /** AIRLOCK_METRICS_TOKEN: when set, scrapers must present it; otherwise only loopback clients may. */
  token: string | undefined;
}

/** Serves GET /metrics on its own port (apart from /mcp): the address Prometheus scrapes. Resolves with its URL. */
export async function serveBridgeMetrics({ host, port, metrics, token }: ServeBridgeMetricsOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const isServed = serveMetrics(req, res, {
      registry: metrics.registry,
      clientAddress: req.socket.remoteAddress,
      token,
      onError: (error) => log("metrics collection failed", error),
    });
    if (!isServed) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  server.unref();
  const { port: bound } = server.address() as { port: number };
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}/metrics`;
  return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
