import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { TBridgeAuditEvent } from "../lib/bridge-api/bridge-api.types";
import { BoundedLabel } from "../lib/observability/bounded-label";

/** Upstream calls take milliseconds to minutes. */
const UPSTREAM_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** A held call waits seconds to hours for its reviewers. */
const WAIT_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400];

type CallOutcome = TBridgeAuditEvent["kind"];

/**
 * The bridge's Prometheus metrics (created only with --metrics). The allow path pays a map
 * lookup and a counter increment per call, and one histogram observation per upstream call:
 * the labelled children are looked up once and kept.
 */
export class BridgeMetrics {
  readonly registry = new Registry();
  private readonly servers = new BoundedLabel();
  private readonly calls = new Counter({
    name: "airlock_bridge_calls_total",
    help: "Tool calls this bridge decided, by outcome (allowed, denied, held, upstream_error) and upstream server.",
    labelNames: ["outcome", "server"] as const,
    registers: [this.registry],
  });
  private readonly upstream = new Histogram({
    name: "airlock_bridge_upstream_duration_seconds",
    help: "Time an upstream server took to answer a forwarded tool call, by upstream server.",
    labelNames: ["server"] as const,
    buckets: UPSTREAM_BUCKETS,
    registers: [this.registry],
  });
  private readonly held = new Gauge({
    name: "airlock_bridge_held_calls",
    help: "Calls this bridge is holding now, waiting for a reviewer's decision.",
    registers: [this.registry],
  });
  private readonly wait = new Histogram({
    name: "airlock_bridge_decision_wait_seconds",
    help: "Time a held call waited for its decision, by how it ended (approved, rejected, expired, withdrawn, cancelled, unreachable).",
    labelNames: ["outcome"] as const,
    buckets: WAIT_BUCKETS,
    registers: [this.registry],
  });
  private readonly callChildren = new Map<string, { inc(): void }>();
  private readonly upstreamChildren = new Map<string, { observe(value: number): void }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  countCall(outcome: CallOutcome, server: string | undefined): void {
    const key = `${outcome}\u0000${server ?? ""}`;
    let child = this.callChildren.get(key);
    if (!child) {
      child = this.calls.labels({ outcome, server: this.servers.of(server) });
      this.callChildren.set(key, child);
    }
    child.inc();
  }

  observeUpstream(server: string, seconds: number): void {
    let child = this.upstreamChildren.get(server);
    if (!child) {
      child = this.upstream.labels({ server: this.servers.of(server) });
      this.upstreamChildren.set(server, child);
    }
    child.observe(seconds);
  }

  /** A held call starts waiting; the returned function records how the wait ended. */
  startHold(): (outcome: string) => void {
    const started = performance.now();
    this.held.inc();
    return (outcome) => {
      this.held.dec();
      this.wait.observe({ outcome }, (performance.now() - started) / 1000);
    };
  }
}
