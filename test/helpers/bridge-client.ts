import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BRIDGE_BIN } from "./dashboard";

export interface BridgeClientOptions {
  upstreams: string[];
  dashboardUrl?: string;
  token?: string;
  policyFile?: string;
}

/** Launches the real `airlock-bridge` as an MCP client would (stdio) and connects an SDK Client to it. */
export async function connectThroughBridge(options: BridgeClientOptions) {
  const args = [BRIDGE_BIN];
  for (const upstream of options.upstreams) args.push("--upstream", upstream);
  if (options.dashboardUrl) args.push("--dashboard", options.dashboardUrl);
  if (options.policyFile) args.push("--policy", options.policyFile);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { ...(process.env as Record<string, string>), ...(options.token ? { AIRLOCK_BRIDGE_TOKEN: options.token } : {}) },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  const client = new Client({ name: "airlock-test-agent", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("\n");
}
