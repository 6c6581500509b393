// A tiny stateful MCP server for tests: `increment` changes state, `get_count` reads it,
// so a test can prove how many times an upstream call really ran.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

let count = 0;
const server = new McpServer({ name: "counter", version: "1.0.0" });

server.registerTool("increment", { description: "Adds `by` to the counter.", inputSchema: { by: z.number().int().min(1).max(100) } }, async ({ by }) => {
  count += by;
  return { content: [{ type: "text", text: `count is now ${count}` }] };
});
server.registerTool("get_count", { description: "Reads the counter.", inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
  content: [{ type: "text", text: String(count) }],
}));

await server.connect(new StdioServerTransport());
