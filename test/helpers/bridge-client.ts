import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ClientOptions } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { BRIDGE_BIN } from "./dashboard";

export interface BridgeClientOptions {
  upstreams: string[];
  dashboardUrl?: string;
  token?: string;
  policyFile?: string;
  /** Capabilities of the test's client (sampling, elicitation, roots). */
  clientOptions?: ClientOptions;
  /** Installs handlers on the client before it connects. */
  configure?: (client: Client) => void;
  /** Extra environment for the bridge process (upstreams see none of it unless `args` pass it on with --pass-env). */
  env?: Record<string, string>;
  /** Extra bridge flags. */
  args?: string[];
}

/** Launches the real `airlock-bridge` as an MCP client would (stdio) and connects an SDK Client to it. */
export async function connectThroughBridge(options: BridgeClientOptions) {
  const args = [BRIDGE_BIN];
  for (const upstream of options.upstreams) args.push("--upstream", upstream);
  if (options.dashboardUrl) args.push("--dashboard", options.dashboardUrl);
  if (options.policyFile) args.push("--policy", options.policyFile);
  args.push(...(options.args ?? []));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { ...(process.env as Record<string, string>), ...(options.token ? { AIRLOCK_BRIDGE_TOKEN: options.token } : {}), ...options.env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (d) => (stderr += d));
  const client = new Client({ name: "airlock-test-agent", version: "1.0.0" }, options.clientOptions);
  options.configure?.(client);
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close(), pid: () => transport.pid };
}

export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? "").join("\n");
}

/** The MCP reference server that exercises every feature of the protocol. */
export const EVERYTHING_SERVER = `${process.execPath} ${join(import.meta.dirname, "..", "..", "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js")} stdio`;
export const LIFECYCLE_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "lifecycle-server.ts")}`;
export const COUNTER_SERVER = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "counter-server.ts")}`;

/** Writes a policy file for `--policy` and returns its path. */
export function writePolicyFile(policy: object): string {
  const path = join(mkdtempSync(join(tmpdir(), "airlock-policy-")), "policy.json");
  writeFileSync(path, JSON.stringify(policy));
  return path;
}

export interface HttpBridge {
  url: string;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts the real `airlock-bridge --http 127.0.0.1:0` and waits for the address it prints. */
/** Starts the real `airlock-bridge --http` on a free loopback port, with a policy file or a dashboard (its token in the environment). */
export async function startHttpBridge(options: {
  upstreams: string[];
  policyFile?: string;
  dashboardUrl?: string;
  token?: string;
  extraArgs?: string[];
}): Promise<HttpBridge> {
  const args = [BRIDGE_BIN, "--http", "127.0.0.1:0"];
  if (options.policyFile) args.push("--policy", options.policyFile, "--audit-log", join(tmpdir(), `airlock-audit-${process.pid}-${Date.now()}.ndjson`));
  if (options.dashboardUrl) args.push("--dashboard", options.dashboardUrl);
  args.push(...(options.extraArgs ?? []));
  for (const upstream of options.upstreams) args.push("--upstream", upstream);
  const env = { ...process.env, ...(options.token ? { AIRLOCK_BRIDGE_TOKEN: options.token } : {}) };
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
  let stderr = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bridge did not start: ${stderr}`)), 30_000);
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const match = stderr.match(/ready at (http:\/\/\S+\/mcp)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`the bridge exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    pid: child.pid!,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
