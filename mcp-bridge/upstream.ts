import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { TUpstreamSpec } from "./bridge-options";
import { log } from "./log";

export interface Upstream {
  spec: TUpstreamSpec;
  client: Client;
}

/** Connects to one upstream MCP server (a child process over stdio, or Streamable HTTP). */
export async function connectUpstream(spec: TUpstreamSpec, version: string): Promise<Upstream> {
  const client = new Client({ name: `airlock-bridge/${spec.name}`, version }, { capabilities: {} });
  if (spec.kind === "stdio") {
    const transport = new StdioClientTransport({
      command: spec.command,
      args: spec.args,
      // The upstream gets the usual environment minus the bridge's own secrets.
      env: Object.fromEntries(
        Object.entries({ ...getDefaultEnvironment(), ...process.env }).filter(
          (entry): entry is [string, string] => typeof entry[1] === "string" && !entry[0].startsWith("AIRLOCK_"),
        ),
      ),
      stderr: "inherit",
    });
    await client.connect(transport);
  } else {
    await client.connect(new StreamableHTTPClientTransport(spec.url));
  }
  client.onerror = (error) => log(`upstream ${spec.name} error`, error);
  return { spec, client };
}

/** Every tool an upstream lists, following pagination. */
export async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined);
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
