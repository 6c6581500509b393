import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { TBridgeAuditEvent, TFindingWire } from "../bridge-api/bridge-api.types";
import { ARGUMENT_DETECTORS, RESULT_DETECTORS } from "../detectors/scan-content";
import { DEFINITION_DETECTORS } from "../detectors/scan-definition";
import { BoundedLabel } from "./bounded-label";

/** Seconds from a held call's creation to a human decision: a reviewer answers in seconds to hours. */
const DECISION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400];
/** Detector ids are label values only when they are the detectors' own (a bridge could send any string). */
const DETECTORS = new Set([...ARGUMENT_DETECTORS, ...RESULT_DETECTORS, ...DEFINITION_DETECTORS].map((d) => d.id));

function createDashboardMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const servers = new BoundedLabel();
  let countPending: () => Promise<number> = async () => 0;
  const metrics = {
    registry,
    calls: new Counter({
      name: "airlock_calls_total",
      help: "Tool calls the bridges reported (POST /api/bridge/audit), by outcome (allowed, denied, held, executed, failed, upstream_error) and upstream server.",
      labelNames: ["outcome", "server"] as const,
      registers: [registry],
    }),
    pending: new Gauge({
      name: "airlock_approvals_pending",
      help: "Held calls waiting for a decision, read from the database at scrape time: every instance reports the same number (aggregate with max, not sum).",
      registers: [registry],
      async collect() {
        this.set(await countPending());
      },
    }),
    decisionSeconds: new Histogram({
      name: "airlock_approval_decision_duration_seconds",
      help: "Time from a held call's creation to the reviewers' decision, by decision (approved, rejected).",
      labelNames: ["decision"] as const,
      buckets: DECISION_BUCKETS,
      registers: [registry],
    }),
    findings: new Counter({
      name: "airlock_detector_findings_total",
      help: "Detector findings on the arguments of held calls, by detector and severity.",
      labelNames: ["detector", "severity"] as const,
      registers: [registry],
    }),
    socketClients: new Gauge({
      name: "airlock_socket_clients",
      help: "socket.io clients connected to this instance, by kind (user, bridge).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    /** Counts the events a bridge reported that were new (a batch delivered again is not counted twice). */
    countCalls(events: readonly Pick<TBridgeAuditEvent, "kind" | "server">[]) {
      for (const e of events) metrics.calls.inc({ outcome: e.kind, server: servers.of(e.server) });
    },
    countFindings(findings: readonly Pick<TFindingWire, "detector" | "severity">[] | undefined) {
      for (const f of findings ?? []) metrics.findings.inc({ detector: DETECTORS.has(f.detector) ? f.detector : "other", severity: f.severity });
    },
    observeDecision(decision: "approved" | "rejected", createdAt: Date, decidedAt = new Date()) {
      metrics.decisionSeconds.observe({ decision }, Math.max(0, (decidedAt.getTime() - createdAt.getTime()) / 1000));
    },
    /** Where the pending gauge reads from (the database; set by the server at start). */
    setPendingSource(count: () => Promise<number>) {
      countPending = count;
    },
  };
  for (const kind of ["user", "bridge"]) metrics.socketClients.set({ kind }, 0);
  return metrics;
}

export type DashboardMetrics = ReturnType<typeof createDashboardMetrics>;

// One registry per process: route handlers in Next's bundles and the custom server load this module separately.
const globalForMetrics = globalThis as unknown as { __airlockMetrics?: DashboardMetrics };

/** The dashboard's Prometheus metrics (per instance; see README "Observability" for aggregating several). */
export function dashboardMetrics(): DashboardMetrics {
  globalForMetrics.__airlockMetrics ??= createDashboardMetrics();
  return globalForMetrics.__airlockMetrics;
}
