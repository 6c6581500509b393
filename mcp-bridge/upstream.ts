import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { getDefaultEnvironment } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { ClientCapabilities, Tool } from "@modelcontextprotocol/sdk/types.js";
import { type GrantHeader, grantFetch } from "./grant-header";
import { LeanHttpClientTransport } from "./lean-http-transport";
import { log } from "./log";
import { StdioUpstreamTransport } from "./stdio-upstream-transport";
import type { TUpstreamSpec } from "./upstream-spec";

/** Adds the upstream's headers to every request the SDK's transports make (read per request: a rotated secret applies at once). */
function fetchWithHeaders(headers: () => Record<string, string>): typeof fetch {
  return (input, init) => {
    const merged = new Headers(init?.headers);
    for (const [name, value] of Object.entries(headers())) if (!merged.has(name)) merged.set(name, value);
    return fetch(input, { ...init, headers: merged });
  };
}

/** The last few lines of a server's stderr, on one line: usually where it says why it stopped. */
function tailLines(text: string, count = 3, maxChars = 500): string {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.slice(-count).join(" | ").slice(-maxChars);
}

/** Why a server process did not come up, in words an operator can act on (the exit code and its last words). */
export function describeStartFailure(command: string, error: unknown, transport: StdioUpstreamTransport): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return `command not found: ${command}`;
  if (code === "EACCES") return `permission denied running ${command}`;
  const { exit } = transport;
  const stderr = tailLines(transport.stderrTail);
  const details = [...(exit ? [exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`] : []), ...(stderr ? [`stderr: ${stderr}`] : [])];
  const reason = exit ? "the process exited before completing the MCP handshake" : (error as Error).message;
  return details.length ? `${reason} (${details.join("; ")})` : reason;
}

/**
 * Connects to one upstream MCP server: a child process over stdio, or a URL over
 * Streamable HTTP (falling back to the legacy HTTP+SSE transport for older servers).
 */
export async function connectUpstream(
  spec: TUpstreamSpec,
  version: string,
  {
    capabilities = {},
    configure,
    env = getDefaultEnvironment(),
    headers = () => ({}),
    grantHeader,
  }: {
    capabilities?: ClientCapabilities;
    configure?: (client: Client) => void;
    /** A stdio server's whole environment (nothing of the bridge's own is added). */
    env?: Record<string, string>;
    /** Headers for every request to an HTTP server (its credentials). */
    headers?: () => Record<string, string>;
    /** HTTP upstreams: the header each tools/call's grant travels in (grants on). */
    grantHeader?: GrantHeader;
  } = {},
): Promise<Client> {
  // `capabilities` mirror the bridge's own client: the bridge relays the server's requests to it.
  const newClient = () => {
    const client = new Client({ name: `airlock-bridge/${spec.name}`, version }, { capabilities });
    configure?.(client);
    return client;
  };
  let client = newClient();
  try {
    if (spec.kind === "stdio") {
      // The upstream's stderr joins the bridge's (never stdout); its process tree ends with the connection.
      const transport = new StdioUpstreamTransport({ command: spec.command, args: spec.args, env });
      try {
        await client.connect(transport);
      } catch (error) {
        // Waiting for the tree to end also lets the last stderr lines arrive before they are quoted.
        await transport.close();
        throw new Error(describeStartFailure(spec.command, error, transport));
      }
    } else {
      // The lean transport first (the allow path's cost), then the SDK's (redirects and
      // anything else it knows), then the legacy HTTP+SSE transport of older servers.
      // The SDK's transports: the credentials on every request, and a tools/call's grant in its own header.
      const sdkFetch = grantHeader ? grantFetch(grantHeader, headers, fetchWithHeaders(headers)) : fetchWithHeaders(headers);
      const transports = [
        ["Streamable HTTP", () => new LeanHttpClientTransport(spec.url, { headers, grantHeader })],
        ["Streamable HTTP (SDK)", () => new StreamableHTTPClientTransport(spec.url, { fetch: sdkFetch })],
        ["the legacy SSE transport", () => new SSEClientTransport(spec.url, { fetch: sdkFetch })],
      ] as const;
      for (const [i, [name, create]] of transports.entries()) {
        try {
          await client.connect(create());
          break;
        } catch (error) {
          if (i === transports.length - 1) throw error;
          log(`upstream ${spec.name}: ${name} failed, trying ${transports[i + 1][0]}`, error);
          await client.close().catch(() => undefined);
          client = newClient();
        }
      }
    }
  } catch (error) {
    if (spec.kind === "stdio") throw error;
    throw new Error(`cannot connect to ${spec.url.href}: ${(error as Error).message}`);
  }
  client.onerror = (error) => log(`upstream ${spec.name} error`, error);
  return client;
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
