// `airlock-bridge`: an MCP proxy that puts Airlock's policy in front of MCP servers.
import { readFileSync } from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { DashboardAuditSink, FileAuditSink } from "./audit-sink";
import { parseBridgeOptions, USAGE, UsageError } from "./bridge-options";
import { DashboardClient } from "./dashboard-client";
import { log } from "./log";
import { PolicySource } from "./policy-source";
import { createProxyServer } from "./proxy-server";
import { connectUpstream } from "./upstream";

const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

async function main() {
  const options = parseBridgeOptions(process.argv.slice(2));
  if (options === "help") {
    process.stderr.write(`${USAGE}\n`);
    return;
  }
  const dashboard = options.dashboard ? new DashboardClient(options.dashboard.url, options.dashboard.token) : undefined;
  let policy: PolicySource;
  if (dashboard) {
    dashboard.socket.on("connect_error", (error) => log("dashboard socket", error));
    dashboard.socket.connect();
    policy = PolicySource.fromDashboard(dashboard);
    await policy.ready;
  } else {
    policy = PolicySource.fromFile(options.policyFile!);
  }
  const audit = dashboard ? new DashboardAuditSink(dashboard) : new FileAuditSink(options.auditLog);
  const upstreams = await Promise.all(options.upstreams.map((spec) => connectUpstream(spec, VERSION)));
  const { server } = await createProxyServer({ upstreams, policy, audit, dashboard, version: VERSION });

  const shutdown = async () => {
    await audit.flush().catch(() => undefined);
    await Promise.allSettled(upstreams.map((u) => u.client.close()));
    dashboard?.close();
    process.exit(0);
  };
  server.onclose = () => void shutdown();
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
  await server.connect(new StdioServerTransport());
  log(`ready: ${upstreams.map((u) => u.spec.name).join(", ")}; policy from ${dashboard ? options.dashboard!.url : options.policyFile}`);
}

main().catch((error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`airlock-bridge: ${error.message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  log("fatal", error);
  process.exit(1);
});
