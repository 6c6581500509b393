// The floor of any HTTP→HTTP proxy on this machine, for bench:bridge: a
// node:http reverse proxy that relays bytes and understands nothing (no MCP,
// no policy, no audit), with keep-alive to the upstream as the bridge has.
// Usage: node --import tsx bench/http-relay.ts UPSTREAM_URL
import { Agent, createServer, request } from "node:http";

const upstream = new URL(process.argv[2]);
const agent = new Agent({ keepAlive: true });
const server = createServer((req, res) => {
  const forward = request(
    { host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on("error", () => res.writeHead(502).end());
  req.pipe(forward);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.error(`relay ready at http://127.0.0.1:${port}/mcp`);
});
