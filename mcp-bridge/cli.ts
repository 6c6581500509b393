// `airlock-bridge`: an MCP proxy that puts Airlock's policy in front of MCP servers.
// In stdio mode stdout is the MCP channel: everything else goes to stderr.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { startTracing } from "../lib/observability/start-tracing";
import { type AuditSink, DashboardAuditSink, FileAuditSink } from "./audit-sink";
import { AuditSpool } from "./audit-spool";
import { type BridgeOptions, parseBridgeOptions, USAGE, UsageError } from "./bridge-options";
import { createCallGrants } from "./call-grants";
import { DashboardClient, DashboardError } from "./dashboard-client";
import { describeDashboardProblem } from "./dashboard-problem";
import { initializeCapabilities, readFirstMessage } from "./first-message";
import { GrantKeys } from "./grant-keys";
import { serveHttp } from "./http-server";
import { log } from "./log";
import { BridgeMetrics } from "./metrics";
import { serveBridgeMetrics } from "./metrics-server";
import { PolicySource } from "./policy-source";
import { type BridgeCore, openSession } from "./proxy-server";
import { ResourceServer } from "./resource-server";
import { ToolAdmission } from "./tool-admission";
import { loadSecretsFile, UpstreamSecrets } from "./upstream-secrets";

/** How long an orderly shutdown may take (upstreams get 3 s to end, the audit trail a few more) before the bridge just exits. */
const SHUTDOWN_DEADLINE_MS = 10_000;

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function main() {
  const options = parseBridgeOptions(process.argv.slice(2));
  if (options === "help") {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  // Before the first request to the dashboard: held calls' spans carry their trace there.
  const tracing = await startTracing({ serviceName: "airlock-bridge" }).catch((error) => {
    throw new UsageError((error as Error).message);
  });
  const metrics = options.metrics ? new BridgeMetrics() : undefined;
  if (options.metrics && metrics) {
    const served = await serveBridgeMetrics({ ...options.metrics, metrics, token: process.env.AIRLOCK_METRICS_TOKEN || undefined });
    log(`metrics at ${served.url}`);
  }
  const { policy, audit, dashboard } = await policyAndAudit(options);
  const secrets = await upstreamSecrets(options, dashboard);
  // Grants: a key is registered with the dashboard before the first call is forwarded (calls are refused until one is).
  const grantKeys = dashboard && options.grants ? new GrantKeys({ dashboard, ...options.grants }) : undefined;
  await grantKeys?.start();
  let isShuttingDown = false;
  let closeHttp: (() => Promise<void>) | undefined;
  let closeSession: (() => Promise<void>) | undefined;
  const shutdown = async (code = 0) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    // Bounded: a dashboard that never answers must not keep the bridge alive (the exit still ends the upstreams).
    setTimeout(() => process.exit(code), SHUTDOWN_DEADLINE_MS).unref();
    // The upstream process trees first: their client is gone, and nothing of them may outlive the bridge.
    await closeHttp?.().catch((error) => log("closing the HTTP sessions failed", error));
    await closeSession?.().catch((error) => log("closing the session failed", error));
    await audit.flush().catch((error) => log("flushing the audit trail failed", error));
    await dashboard?.drain();
    policy.close();
    secrets.close();
    grantKeys?.close();
    dashboard?.close();
    await tracing?.shutdown().catch((error) => log("sending the last spans failed", error));
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
  // logrotate's convention: after moving the audit log away, SIGHUP makes the bridge write a new one.
  // Otherwise SIGHUP is what it means to a terminal's children: the client hung up, end everything.
  if (audit instanceof FileAuditSink && options.auditLog) process.on("SIGHUP", () => audit.reopen());
  else process.once("SIGHUP", () => void shutdown());

  const admission = dashboard ? new ToolAdmission(dashboard) : undefined;
  const dashboardProblem = () => (dashboard && !policy.current && policy.lastError ? describeDashboardProblem(dashboard.baseUrl, policy.lastError) : undefined);
  const problem = dashboardProblem();
  if (problem) log(`${problem}; no tool is exposed until the dashboard gives the bridge its policy`);
  const grants =
    grantKeys && options.grants
      ? { calls: createCallGrants({ keys: grantKeys, audiences: options.grants.audiences }), headers: options.grants.headers }
      : undefined;
  const core: BridgeCore = { upstreams: options.upstreams, policy, audit, dashboard, admission, dashboardProblem, secrets, version: VERSION, grants, metrics };
  const source = dashboard ? dashboard.baseUrl : options.policyFile;
  const names = options.upstreams.map((u) => u.name).join(", ");

  if (options.http) {
    const { publicUrl } = options.http;
    const auth =
      options.http.auth === "oauth" && dashboard
        ? (boundUrl: string) => new ResourceServer({ dashboardUrl: dashboard.baseUrl, resourceUrl: publicUrl ?? boundUrl })
        : undefined;
    const http = await serveHttp(core, { ...options.http, maxUpstreamProcesses: options.maxUpstreamProcesses, auth });
    closeHttp = http.close;
    if (http.resourceServer && dashboard) {
      const refusal = await announceResource(dashboard, http.resourceServer);
      if (refusal) {
        log(`fatal: ${refusal}`);
        return shutdown(1);
      }
    }
    const oauth = http.resourceServer ? `; OAuth: bearer tokens from ${dashboard?.baseUrl} for ${http.resourceServer.resourceUrl}` : "";
    log(`ready at ${http.url}: ${names} (connected per client session); policy from ${source}${oauth}`);
    return;
  }
  // One stdio process is one MCP session.
  // The SDK's stdio transport does not notice the client closing stdin; the bridge must not linger.
  process.stdin.once("end", () => void shutdown());
  process.stdin.once("close", () => void shutdown());
  // The upstreams are opened once the client said what it can do (its initialize request), so they see the same.
  const { first, transport } = await readFirstMessage(new StdioServerTransport());
  let session: Awaited<ReturnType<typeof openSession>>;
  try {
    session = await openSession(core, { sessionId: randomUUID(), clientCapabilities: initializeCapabilities(first), onClose: () => void shutdown() });
  } catch (error) {
    log("fatal", error);
    return shutdown(1);
  }
  closeSession = session.close;
  await session.server.connect(transport);
  log(`ready: ${names}; policy from ${source}`);
}

/**
 * Tells the dashboard this bridge's resource URL, so that it issues tokens for it (and for no
 * other bridge's). A refusal (another bridge holds the URL, the token is not valid) ends the
 * start: returned as the reason. An unreachable dashboard is retried in the background;
 * meanwhile no token can be had for this bridge (fail closed), and its metadata is checked too.
 */
async function announceResource(dashboard: DashboardClient, resourceServer: ResourceServer): Promise<string | undefined> {
  const attempt = async (): Promise<string | undefined> => {
    try {
      await dashboard.reportResource(resourceServer.resourceUrl);
      await resourceServer.authorizationServer();
      return undefined;
    } catch (error) {
      if (error instanceof DashboardError && !error.isTransient) return error.message;
      throw error;
    }
  };
  try {
    return await attempt();
  } catch (error) {
    log("OAuth: cannot register this endpoint with the dashboard yet; retrying (no token works until it is)", error);
    // Retried every 5 s: each distinct reason is said once, not every attempt.
    let lastReason = (error as Error).message;
    const retry = setInterval(() => {
      attempt()
        .then((refusal) => {
          clearInterval(retry);
          if (refusal) log(`OAuth: the dashboard refused this endpoint: ${refusal}`);
          else log("OAuth: endpoint registered with the dashboard");
        })
        .catch((again: Error) => {
          if (again.message !== lastReason) log("OAuth: still cannot register this endpoint with the dashboard", again);
          lastReason = again.message;
        });
    }, 5_000);
    retry.unref();
    return undefined;
  }
}

/** With a dashboard: its policy and audit trail. With --policy: the file, and NDJSON audit to a file or stderr. */
async function policyAndAudit(options: BridgeOptions): Promise<{ policy: PolicySource; audit: AuditSink; dashboard?: DashboardClient }> {
  if (!options.dashboard) {
    let policy: PolicySource;
    try {
      policy = PolicySource.fromFile(options.policyFile!, options.name);
    } catch (error) {
      throw new UsageError(`--policy: ${(error as Error).message}`);
    }
    return { policy, audit: new FileAuditSink(options.auditLog) };
  }
  const { url, token } = options.dashboard;
  const dashboard = new DashboardClient(url, token);
  let lastSocketError = "";
  dashboard.socket.on("connect_error", (error) => {
    // Reconnects repeat every few seconds: say each distinct problem once.
    if (error.message !== lastSocketError) log("dashboard socket", error);
    lastSocketError = error.message;
  });
  dashboard.socket.on("connect", () => (lastSocketError = ""));
  dashboard.socket.connect();
  const policy = PolicySource.fromDashboard(dashboard);
  const audit = new DashboardAuditSink(dashboard, { spool: new AuditSpool(AuditSpool.keyFor(url, token, options.name)) });
  // Calls are refused until a policy is loaded; waiting for the first attempt avoids refusing the very first ones.
  await policy.ready;
  return { policy, audit, dashboard };
}

/** Each upstream's environment and headers: --pass-env, the --secrets file, and the dashboard's (fetched before any upstream starts). */
async function upstreamSecrets(options: BridgeOptions, dashboard: DashboardClient | undefined): Promise<UpstreamSecrets> {
  let file: ReturnType<typeof loadSecretsFile> | undefined;
  if (options.secretsFile) {
    try {
      file = loadSecretsFile(options.secretsFile);
    } catch (error) {
      throw new UsageError(`--secrets: ${(error as Error).message}`);
    }
    const names = options.upstreams.map((u) => u.name);
    // A misspelt name would leave an upstream silently without its credential.
    const unknown = [...Object.keys(file.values), ...Object.keys(file.passEnv)].find((name) => !names.includes(name));
    if (unknown) throw new UsageError(`--secrets: no upstream is named "${unknown}" (upstreams: ${names.join(", ")})`);
    // A command-line upstream has no HTTP requests to carry a bearer token.
    const notHttp = Object.keys(file.oauth).find((name) => options.upstreams.find((u) => u.name === name)?.kind !== "http");
    if (notHttp) throw new UsageError(`--secrets: upstreams.${notHttp}.oauth: OAuth client credentials are for HTTP upstreams; "${notHttp}" is a command`);
  }
  const secrets = new UpstreamSecrets({ file, passEnv: options.passEnv });
  // The first tokens before any upstream connects (a failure is retried; that upstream's requests fail until then).
  await secrets.startOAuth();
  if (dashboard) await secrets.followDashboard(dashboard).ready;
  return secrets;
}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`airlock-bridge: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  log("fatal", error);
  process.exit(1);
});
