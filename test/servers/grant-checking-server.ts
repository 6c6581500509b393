// An upstream that checks the bridge's per-call grant on every call with the verifier
// Airlock documents for upstream authors (lib/grants/verify-grant.ts), as a real
// server would. Over stdio the grant is `_meta["airlock/grant"]`; with `--http PORT`
// (Streamable HTTP) it is the Authorization header. A refused call runs nothing and
// answers `refused: <code>`; an accepted one answers the grant's claims and the token
// (so a test can replay it). Usage: grant-checking-server.ts --jwks URL --issuer ISS
// --audience AUD [--http PORT] [--tolerance SEC]
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { GRANT_META_KEY } from "../../lib/grants/grant.types";
import { createGrantVerifier, GrantRefusedError } from "../../lib/grants/verify-grant";
import { serveStreamableHttp } from "./serve-http";

const { values } = parseArgs({
  options: { jwks: { type: "string" }, issuer: { type: "string" }, audience: { type: "string" }, http: { type: "string" }, tolerance: { type: "string" } },
});
// One verifier for the process: a token spent in one session is spent for all.
const verifier = createGrantVerifier({
  jwks: new URL(values.jwks!),
  issuer: values.issuer!,
  audience: values.audience!,
  clockToleranceSeconds: values.tolerance ? Number(values.tolerance) : undefined,
});

type Extra = { _meta?: Record<string, unknown>; requestInfo?: { headers: Record<string, string | string[] | undefined> } };

/** The call's grant: over HTTP the bearer token, or X-Airlock-Grant (where the bridge puts it when Authorization carries this server's own credential); over stdio `_meta["airlock/grant"]`. */
function tokenOf(extra: Extra): string | undefined {
  const headers = extra.requestInfo?.headers ?? {};
  if (values.http) return headers["x-airlock-grant"] ? String(headers["x-airlock-grant"]) : String(headers.authorization ?? "").match(/^Bearer (\S+)$/)?.[1];
  const token = extra._meta?.[GRANT_META_KEY];
  return typeof token === "string" ? token : undefined;
}

/** Runs `work` only when the grant is for exactly this tool and these arguments. */
async function checked(tool: string, args: Record<string, unknown>, extra: Extra, work: () => string): Promise<CallToolResult> {
  const token = tokenOf(extra);
  try {
    const claims = await verifier.verify({ token, tool, arguments: args });
    const kid = JSON.parse(Buffer.from(token!.split(".")[0], "base64url").toString()).kid;
    // Which header brought the grant, and a digest of the Authorization header when that was not it (a credential).
    const headers = extra.requestInfo?.headers ?? {};
    const via = headers["x-airlock-grant"] ? "x-airlock-grant" : values.http ? "authorization" : "_meta";
    const credential = via === "x-airlock-grant" ? createHash("sha256").update(String(headers.authorization)).digest("hex") : undefined;
    return { content: [{ type: "text", text: JSON.stringify({ result: work(), claims, kid, token, via, credential }) }] };
  } catch (error) {
    if (!(error instanceof GrantRefusedError)) throw error;
    return { content: [{ type: "text", text: `refused: ${error.code}` }], isError: true };
  }
}

function newServer() {
  const server = new McpServer({ name: "grant-checking", version: "1.0.0" });
  server.registerTool("write_note", { description: "Writes a note.", inputSchema: { text: z.string() } }, async (args, extra) =>
    checked("write_note", args, extra, () => `wrote ${args.text}`),
  );
  server.registerTool("delete_notes", { description: "Deletes every note.", inputSchema: { confirm: z.boolean() } }, async (args, extra) =>
    checked("delete_notes", args, extra, () => "deleted"),
  );
  server.registerTool("publish_note", { description: "Publishes a note.", inputSchema: { text: z.string() } }, async (args, extra) =>
    checked("publish_note", args, extra, () => `published ${args.text}`),
  );
  return server;
}

if (values.http === undefined) {
  await newServer().connect(new StdioServerTransport());
} else {
  const http = serveStreamableHttp(newServer);
  http.listen(Number(values.http), "127.0.0.1", () => {
    const { port } = http.address() as { port: number };
    process.stderr.write(`grant-checking listening on http://127.0.0.1:${port}/mcp\n`);
  });
}
