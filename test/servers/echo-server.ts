// The fast upstream for benchmarks, over stdio or, with `--http PORT`,
// Streamable HTTP (one transport per session): `echo` returns its text, and
// `stamp` returns when it ran (epoch milliseconds, sub-millisecond precision)
// so that a benchmark can time the leg from a decision to the upstream call.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { serveStreamableHttp } from "./serve-http";

function newServer() {
  const server = new McpServer({ name: "echo", version: "1.0.0" });
  server.registerTool("echo", { description: "Returns its text.", inputSchema: { text: z.string() } }, async ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  server.registerTool("stamp", { description: "Returns the time it ran.", inputSchema: { note: z.string() } }, async () => ({
    content: [{ type: "text", text: String(performance.timeOrigin + performance.now()) }],
  }));
  return server;
}

const at = process.argv.indexOf("--http");
if (at < 0) {
  await newServer().connect(new StdioServerTransport());
} else {
  const http = serveStreamableHttp(newServer);
  http.listen(Number(process.argv[at + 1]), "127.0.0.1", () => process.stderr.write(`echo listening on ${process.argv[at + 1]}\n`));
}
