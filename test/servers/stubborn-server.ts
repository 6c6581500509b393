// A test MCP server that, like one holding a database pool or a file watcher, keeps
// running after its stdin ends: only a signal stops it. `pid` reports its process id
// so a test can check, by pid, that the bridge ended it.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const server = new McpServer({ name: "stubborn", version: "1.0.0" });
server.registerTool("pid", { description: "This server process's id.", inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
  content: [{ type: "text", text: String(process.pid) }],
}));

setInterval(() => undefined, 60_000);
await server.connect(new StdioServerTransport());
