import type { IncomingMessage, ServerResponse } from "node:http";
import { db } from "../db/prisma";
import { CLIENT_ADDRESS_HEADER } from "../server/client-address";
import { dashboardLog } from "./dashboard-log";
import { dashboardMetrics } from "./dashboard-metrics";
import { parseLogSettings } from "./logger";
import { serveMetrics } from "./serve-metrics";
import { startTracing } from "./start-tracing";

/**
 * Metrics, traces and logs for the dashboard process. A bad AIRLOCK_LOG_FORMAT or
 * AIRLOCK_LOG_LEVEL, or an unsupported OTLP protocol, stops the start with its reason.
 * With OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT set, spans go there, Prisma's included
 * (its client engine, `engine: "js"`, emits `prisma:client:*` spans and a `db_query` span
 * per SQL statement through @prisma/instrumentation).
 */
export async function startDashboardObservability() {
  parseLogSettings();
  const tracing = await startTracing({ serviceName: "airlock-dashboard" });
  if (tracing) {
    const { PrismaInstrumentation, registerInstrumentations } = await import("@prisma/instrumentation");
    registerInstrumentations({ instrumentations: [new PrismaInstrumentation()] });
  }
  const metrics = dashboardMetrics();
  metrics.setPendingSource(() => db.approvalRequest.count({ where: { status: "pending" } }));
  const token = process.env.AIRLOCK_METRICS_TOKEN || undefined;
  return {
    /** Answers GET /metrics (see lib/observability/metrics-access.ts for who may); false for any other request. */
    serveMetrics: (req: IncomingMessage, res: ServerResponse) =>
      serveMetrics(req, res, {
        registry: metrics.registry,
        clientAddress: req.headers[CLIENT_ADDRESS_HEADER] as string | undefined,
        token,
        onError: (error) => dashboardLog().error("metrics collection failed", error),
      }),
    close: async () => {
      await tracing?.shutdown().catch((error) => dashboardLog().warn("could not send the last spans", error));
    },
  };
}
