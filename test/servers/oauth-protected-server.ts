// An HTTP MCP server that, like an API behind OAuth, accepts only bearer tokens its
// authorization server says are active (RFC 7662 introspection at INTROSPECT_URL, with the
// resource server's own client INTROSPECT_CLIENT_ID / INTROSPECT_CLIENT_SECRET). A request
// without one gets 401 and never reaches the MCP server. `whoami` says which client the token
// was issued to, its scope, and the token's SHA-256 (never the token).
//   node --import tsx oauth-protected-server.ts PORT
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { serveStreamableHttp } from "./serve-http";

const { INTROSPECT_URL, INTROSPECT_CLIENT_ID, INTROSPECT_CLIENT_SECRET } = process.env;
if (!INTROSPECT_URL || !INTROSPECT_CLIENT_ID || !INTROSPECT_CLIENT_SECRET)
  throw new Error("INTROSPECT_URL, INTROSPECT_CLIENT_ID and INTROSPECT_CLIENT_SECRET are required");
const basic = `Basic ${Buffer.from(`${INTROSPECT_CLIENT_ID}:${INTROSPECT_CLIENT_SECRET}`).toString("base64")}`;

type Introspection = { active: boolean; client_id?: string; scope?: string };

async function introspect(token: string): Promise<Introspection> {
  const res = await fetch(INTROSPECT_URL!, {
    method: "POST",
    headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token }),
  });
  if (!res.ok) throw new Error(`introspection answered ${res.status}`);
  return (await res.json()) as Introspection;
}

const bearerOf = (req: { headers: IncomingMessage["headers"] }) => /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ?? null;
let refused = 0;

function newServer() {
  const server = new McpServer({ name: "billing", version: "1.0.0" });
  server.registerTool("whoami", { description: "Says which OAuth client's token this call carried.", annotations: { readOnlyHint: true } }, async (extra) => {
    const token = bearerOf({ headers: extra.requestInfo?.headers ?? {} })!;
    const seen = await introspect(token);
    const answer = { client: seen.client_id, scope: seen.scope, tokenDigest: createHash("sha256").update(token).digest("hex"), refusedSoFar: refused };
    return { content: [{ type: "text", text: JSON.stringify(answer) }] };
  });
  return server;
}

const mcp = serveStreamableHttp(newServer).listeners("request")[0] as (req: IncomingMessage, res: import("node:http").ServerResponse) => void;
const port = Number(process.argv[2]);
createServer(async (req, res) => {
  const token = bearerOf(req);
  const active = token
    ? await introspect(token).then(
        (r) => r.active,
        () => false,
      )
    : false;
  if (!active) {
    refused++;
    return res.writeHead(401, { "www-authenticate": 'Bearer error="invalid_token"' }).end();
  }
  mcp(req, res);
}).listen(port, "127.0.0.1", () => process.stderr.write(`billing listening on ${port}\n`));
