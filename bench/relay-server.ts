// The downstream side the bench's bare relays share: a node:http server on a free loopback
// port that reads each request's body whole and hands it to the relay.
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from "node:http";

export function serveRelay(relay: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void, options: ServerOptions = {}): void {
  const server = createServer(options, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => relay(req, res, Buffer.concat(chunks)));
  });
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number };
    console.error(`relay ready at http://127.0.0.1:${port}/mcp`);
  });
}
