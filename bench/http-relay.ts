// The floor of any HTTP→HTTP proxy on this machine, for bench:bridge: a
// node:http reverse proxy that relays bytes and understands nothing (no MCP,
// no policy, no audit), with keep-alive to the upstream as the bridge has, and
// the same single retry when the upstream closed an idle kept-alive connection.
// Usage: node --import tsx bench/http-relay.ts UPSTREAM_URL
import { Agent, type IncomingMessage, request, type ServerResponse } from "node:http";
import { serveRelay } from "./relay-server";

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true });

function relay(req: IncomingMessage, res: ServerResponse, body: Buffer, isRetry = false): void {
  const forward = request(
    { host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on("error", (error: NodeJS.ErrnoException) => {
    if (forward.reusedSocket && error.code === "ECONNRESET" && !isRetry) return relay(req, res, body, true);
    if (!res.headersSent) res.writeHead(502).end(error.message);
  });
  forward.end(body);
}

serveRelay(relay);
