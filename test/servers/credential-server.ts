// An upstream that needs a credential, over stdio or, with `--http PORT`, Streamable HTTP.
// `credential` says what it was given without revealing it: the SHA-256 of SERVICE_TOKEN
// (stdio) or of the request's Authorization header (HTTP), the names (never the values) of
// the environment variables it sees, and its process id (a restart changes it).
import { createHash } from "node:crypto";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { serveStreamableHttp } from "./serve-http";

const digest = (value: string | undefined) => (value === undefined ? null : createHash("sha256").update(value).digest("hex"));

function newServer() {
  const server = new McpServer({ name: "credentials", version: "1.0.0" });
  server.registerTool(
    "credential",
    { description: "Says which credential this server was given (as a digest).", annotations: { readOnlyHint: true } },
    async (extra) => {
      const header = extra.requestInfo?.headers.authorization;
      const seen = {
        tokenDigest: digest(process.env.SERVICE_TOKEN),
        authorizationDigest: digest(Array.isArray(header) ? header[0] : header),
        envNames: Object.keys(process.env).sort(),
        pid: process.pid,
      };
      return { content: [{ type: "text", text: JSON.stringify(seen) }] };
    },
  );
  return server;
}

const at = process.argv.indexOf("--http");
if (at < 0) {
  await newServer().connect(new StdioServerTransport());
} else {
  const http = serveStreamableHttp(newServer);
  http.listen(Number(process.argv[at + 1]), "127.0.0.1", () => process.stderr.write(`credentials listening on ${process.argv[at + 1]}\n`));
}
