// Metrics, traces and logs with real parts: the built dashboard and the real bridge as child
// processes (metrics on, OTLP/HTTP export to a receiver in this test, JSON logs), the MCP
// reference server upstream and an MCP SDK client. /metrics is read with an independent parser
// of Prometheus' text format.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectThroughBridge, EVERYTHING_SERVER, textOf, writePolicyFile } from "../helpers/bridge-client";
import { api, type Dashboard, FILESYSTEM_SERVER, freePort, startDashboard, waitFor } from "../helpers/dashboard";
import { type ReceivedSpan, startOtlpReceiver } from "../helpers/otlp-receiver";
import { histogramCount, sampleValue, scrape, seriesOf } from "../helpers/prometheus";

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";
const UPSTREAM = `everything=${EVERYTHING_SERVER}`;
const workspace = mkdtempSync(join(tmpdir(), "airlock-observe-"));

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let dashboard: Dashboard;
let guarded: Dashboard;
let admin: string;
let reviewer: string;

/** The first IPv4 address of this machine that is not loopback: a client there is not local. */
function externalAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
  if (!address) throw new Error("this machine has no non-loopback IPv4 address to test from");
  return address;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  [dashboard, guarded] = await Promise.all([
    startDashboard({
      env: {
        // Every interface: the test also knocks from a non-loopback address.
        HOST: "0.0.0.0",
        AIRLOCK_LOG_FORMAT: "json",
        AIRLOCK_LOG_LEVEL: "debug",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
    }),
    startDashboard({ env: { AIRLOCK_METRICS_TOKEN: METRICS_TOKEN } }),
  ]);
  admin = dashboard.addUser("admin@example.com", "admin");
  reviewer = dashboard.addUser("rita@example.com", "reviewer");
  for (const rule of [
    { name: "hold writes", match: { tool: "write_file" }, action: "require_approval", timeoutSeconds: 120 },
    { name: "no new directories", match: { tool: "create_directory" }, action: "deny" },
    { name: "the rest runs", match: { tool: "*" }, action: "allow" },
  ]) {
    expect((await api(dashboard, admin, "/api/rules", { body: rule })).status).toBe(201);
  }
});

afterAll(async () => {
  await Promise.all([dashboard?.stop(), guarded?.stop()]);
  await receiver?.close();
});

const jsonLines = (text: string) =>
  text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("a session of allowed, denied and held calls", () => {
  it("is counted by both processes, traced from the bridge into the database, and logged as JSON under one request id", async () => {
    const token = dashboard.cli("bridge-token", "create", "--name", "observed", "--new-tools", "enabled");
    const bridgeMetricsPort = await freePort();
    const bridgeMetrics = `http://127.0.0.1:${bridgeMetricsPort}/metrics`;
    const dashboardMetrics = `${dashboard.url}/metrics`;
    const bridge = await connectThroughBridge({
      upstreams: [`fs=node ${FILESYSTEM_SERVER} ${workspace}`],
      dashboardUrl: dashboard.url,
      token,
      args: ["--metrics", String(bridgeMetricsPort)],
      env: {
        AIRLOCK_LOG_FORMAT: "json",
        AIRLOCK_LOG_LEVEL: "debug",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
    });
    try {
      // Allowed twice (read-only tools pass), denied once.
      for (let i = 0; i < 2; i++) expect(textOf(await bridge.client.callTool({ name: "list_allowed_directories", arguments: {} }))).toContain(workspace);
      const denied = await bridge.client.callTool({ name: "create_directory", arguments: { path: join(workspace, "nope") } });
      expect(denied.isError).toBe(true);
      expect(textOf(denied)).toMatch(/not allowed by policy/);

      // Held: a reviewer approves it; meanwhile it is pending on the dashboard and waiting on the bridge.
      const path = join(workspace, "notes.txt");
      const held = bridge.client.callTool({ name: "write_file", arguments: { path, content: "deploy with the key in /home/alice/.ssh/id_rsa" } });
      const pending = await waitFor(async () => {
        const { body } = await api(dashboard, reviewer, "/api/approvals?status=pending");
        return body.items.find((a: { tool: string }) => a.tool === "write_file") as { id: string } | undefined;
      });
      const whileHeld = await scrape(dashboardMetrics);
      expect(sampleValue(whileHeld, "airlock_approvals_pending", "gauge")).toBe(1);
      expect(sampleValue(await scrape(bridgeMetrics), "airlock_bridge_held_calls", "gauge")).toBe(1);
      expect(sampleValue(whileHeld, "airlock_socket_clients", "gauge", { kind: "bridge" })).toBe(1);
      const { body: detail } = await api(dashboard, reviewer, `/api/approvals/${pending.id}`);
      const findings = detail.findings as { detector: string; severity: string }[];
      expect(findings.length).toBeGreaterThan(0);
      expect(existsSync(path)).toBe(false);
      expect((await api(dashboard, reviewer, `/api/approvals/${pending.id}/decision`, { body: { decision: "approve" } })).status).toBe(200);
      expect((await held).isError).toBeFalsy();
      expect(readFileSync(path, "utf8")).toBe("deploy with the key in /home/alice/.ssh/id_rsa");

      // The bridge counts as it decides.
      const fromBridge = await scrape(bridgeMetrics);
      expect(seriesOf(fromBridge, "airlock_bridge_calls_total", "counter")).toEqual(
        expect.arrayContaining([
          { labels: { outcome: "allowed", server: "fs" }, value: 2 },
          { labels: { outcome: "denied", server: "fs" }, value: 1 },
          { labels: { outcome: "held", server: "fs" }, value: 1 },
        ]),
      );
      expect(seriesOf(fromBridge, "airlock_bridge_calls_total", "counter")).toHaveLength(3);
      expect(histogramCount(fromBridge, "airlock_bridge_upstream_duration_seconds", { server: "fs" })).toBe(3);
      expect(histogramCount(fromBridge, "airlock_bridge_decision_wait_seconds", { outcome: "approved" })).toBe(1);
      expect(sampleValue(fromBridge, "airlock_bridge_held_calls", "gauge")).toBe(0);
      expect(sampleValue(fromBridge, "process_cpu_seconds_total", "counter")).toBeGreaterThan(0);

      // The dashboard counts what the bridge's audit trail reports, once it arrived.
      const fromDashboard = await waitFor(async () => {
        const families = await scrape(dashboardMetrics);
        const total = seriesOf(families, "airlock_calls_total", "counter").reduce((sum, s) => sum + s.value, 0);
        return total >= 4 ? families : undefined;
      });
      expect(seriesOf(fromDashboard, "airlock_calls_total", "counter")).toEqual(
        expect.arrayContaining([
          { labels: { outcome: "allowed", server: "fs" }, value: 2 },
          { labels: { outcome: "denied", server: "fs" }, value: 1 },
          { labels: { outcome: "held", server: "fs" }, value: 1 },
        ]),
      );
      expect(seriesOf(fromDashboard, "airlock_calls_total", "counter")).toHaveLength(3);
      expect(sampleValue(fromDashboard, "airlock_approvals_pending", "gauge")).toBe(0);
      expect(histogramCount(fromDashboard, "airlock_approval_decision_duration_seconds", { decision: "approved" })).toBe(1);
      const expectedFindings = new Map<string, number>();
      for (const f of findings) expectedFindings.set(`${f.detector}/${f.severity}`, (expectedFindings.get(`${f.detector}/${f.severity}`) ?? 0) + 1);
      expect(
        new Map(seriesOf(fromDashboard, "airlock_detector_findings_total", "counter").map((s) => [`${s.labels.detector}/${s.labels.severity}`, s.value])),
      ).toEqual(expectedFindings);
      expect(sampleValue(fromDashboard, "process_cpu_seconds_total", "counter")).toBeGreaterThan(0);

      // One trace from the bridge's hold into the dashboard's handler and its SQL, all naming the approval.
      const trace = await waitFor(async () => {
        const hold = receiver.spans.find(
          (s) => s.service === "airlock-bridge" && s.name === "airlock.hold" && s.attributes["airlock.approval_id"] === pending.id,
        );
        if (!hold) return undefined;
        const inTrace = receiver.spans.filter((s) => s.traceId === hold.traceId);
        const create = inTrace.find((s) => s.service === "airlock-dashboard" && s.name === "POST /api/bridge/approvals");
        const query = inTrace.find((s) => s.service === "airlock-dashboard" && s.name === "prisma:client:db_query");
        return create && query ? { hold, create, inTrace } : undefined;
      });
      expect(trace.create.parentSpanId).toBe(trace.hold.spanId);
      expect(trace.create.attributes["airlock.approval_id"]).toBe(pending.id);
      const spanNamed = (name: string) => trace.inTrace.find((s: ReceivedSpan) => s.name === name);
      expect(spanNamed("airlock.approval.create")?.attributes["airlock.approval_id"]).toBe(pending.id);
      expect(spanNamed("airlock.approval.create")?.parentSpanId).toBe(trace.create.spanId);
      expect(trace.hold.attributes["airlock.outcome"]).toBe("approved");
      // The reviewer's decision is a trace of its own, naming the approval, down to its SQL.
      const decide = await waitFor(async () => {
        const span = receiver.spans.find((s) => s.name === "airlock.approval.decide" && s.attributes["airlock.approval_id"] === pending.id);
        return span && receiver.spans.some((s) => s.traceId === span.traceId && s.name === "prisma:client:db_query") ? span : undefined;
      });
      expect(decide.service).toBe("airlock-dashboard");
      // …linked to the held call's trace, where the request was created.
      expect(decide.links).toEqual([{ traceId: trace.hold.traceId, spanId: spanNamed("airlock.approval.create")?.spanId }]);
      // The allow path makes no span: the only bridge spans are the held call's.
      expect(receiver.spans.filter((s) => s.service === "airlock-bridge").map((s) => s.name)).toEqual(["airlock.hold"]);
      expect(receiver.contentTypes).toEqual(new Set(["application/json"]));

      // JSON logs: the bridge's request to create the approval and the dashboard's line about it share the request id.
      // The bridge's stderr also carries its upstreams' own (the filesystem server's banner): its lines are the JSON ones.
      const bridgeLines = jsonLines(
        bridge
          .stderr()
          .split("\n")
          .filter((line) => line.startsWith("{"))
          .join("\n"),
      );
      const creation = bridgeLines.find((l) => l.msg === "dashboard request" && l.path === "/api/bridge/approvals");
      expect(creation).toMatchObject({ level: "debug", service: "airlock-bridge", status: 201 });
      expect(creation?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      const dashboardLines = jsonLines(dashboard.errors());
      expect(dashboardLines.length).toBeGreaterThan(0);
      const served = dashboardLines.filter((l) => l.requestId === creation?.requestId);
      expect(served).toEqual([
        expect.objectContaining({
          level: "debug",
          service: "airlock-dashboard",
          msg: "bridge api request",
          method: "POST",
          route: "/api/bridge/approvals",
          status: 201,
        }),
      ]);
      expect(typeof served[0].time).toBe("string");
      // Nothing of the call's arguments reaches a log line.
      expect(dashboard.errors()).not.toContain("id_rsa");
      expect(bridge.stderr()).not.toContain("id_rsa");
    } finally {
      await bridge.close();
    }
  });
});

describe("who may read /metrics", () => {
  it("without AIRLOCK_METRICS_TOKEN: loopback clients only, not another host, not through a proxy", async () => {
    expect((await fetch(`http://127.0.0.1:${dashboard.port}/metrics`)).status).toBe(200);
    const remote = await fetch(`http://${externalAddress()}:${dashboard.port}/metrics`);
    expect(remote.status).toBe(404);
    expect(await remote.text()).not.toContain("airlock_");
    expect((await fetch(`${dashboard.url}/metrics`, { headers: { "x-forwarded-for": "198.51.100.7" } })).status).toBe(404);
  });

  it("with AIRLOCK_METRICS_TOKEN: only its bearer, even from loopback", async () => {
    const missing = await fetch(`${guarded.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
    expect(guarded.output()).not.toContain(METRICS_TOKEN);
    const families = await scrape(`${guarded.url}/metrics`, { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(sampleValue(families, "airlock_approvals_pending", "gauge")).toBe(0);
  });

  it("the bridge's --metrics endpoint: loopback by default, the token's bearer when one is set", async () => {
    const policyFile = writePolicyFile({ default: "allow", rules: [] });
    const open = await freePort();
    const plain = await connectThroughBridge({ upstreams: [UPSTREAM], policyFile, args: ["--metrics", String(open)] });
    const guardedPort = await freePort();
    const tokened = await connectThroughBridge({
      upstreams: [UPSTREAM],
      policyFile,
      args: ["--metrics", `127.0.0.1:${guardedPort}`],
      env: { AIRLOCK_METRICS_TOKEN: METRICS_TOKEN },
    });
    try {
      await plain.client.callTool({ name: "get-sum", arguments: { a: 1, b: 1 } });
      const families = await scrape(`http://127.0.0.1:${open}/metrics`);
      expect(sampleValue(families, "airlock_bridge_calls_total", "counter", { outcome: "allowed", server: "everything" })).toBe(1);
      expect((await fetch(`http://127.0.0.1:${open}/other`)).status).toBe(404);
      // Bound to loopback: another host cannot even connect.
      await expect(fetch(`http://${externalAddress()}:${open}/metrics`)).rejects.toThrow();
      expect((await fetch(`http://127.0.0.1:${guardedPort}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${guardedPort}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
      expect(tokened.stderr()).not.toContain(METRICS_TOKEN);
    } finally {
      await Promise.all([plain.close(), tokened.close()]);
    }
  });
});

describe("request ids", () => {
  it("keeps a caller's short, plain X-Request-Id and replaces any other", async () => {
    const kept = await fetch(`${dashboard.url}/api/health`, { headers: { "x-request-id": "probe-42_A" } });
    expect(kept.headers.get("x-request-id")).toBe("probe-42_A");
    const replaced = await fetch(`${dashboard.url}/api/health`, { headers: { "x-request-id": "bad id\twith tab" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
