import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { matchBridgeRoute } from "../bridge-api/bridge-routes";

/**
 * Serves the bridge API (`/api/bridge/*`) from the custom server, in front of
 * Next. These requests are machine-to-machine and three of them sit on every
 * held call's path; Next's routing costs about 3 ms of CPU each, several
 * times the handler's own work. The handlers are the same ones Next's route
 * files export (lib/bridge-api/bridge-routes.ts), called with a WHATWG Request.
 * Returns false when the request is not for the bridge API.
 */
export async function serveBridgeApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (!req.url?.startsWith("/api/bridge/")) return false;
  const url = new URL(req.url, "http://localhost");
  const route = matchBridgeRoute(req.method ?? "GET", url.pathname);
  if (!route) return false;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    // @ts-expect-error Node's fetch needs `duplex` for a streamed body; the DOM type does not know it.
    duplex: hasBody ? "half" : undefined,
  });
  const response = await route.handler(request, { params: Promise.resolve(route.params) });
  const body = Buffer.from(await response.arrayBuffer());
  // Answers about held calls must never be cached by anything in between.
  const out: Record<string, string> = { "content-length": String(body.length), "cache-control": "no-store" };
  response.headers.forEach((value, name) => {
    out[name] = value;
  });
  res.writeHead(response.status, out).end(body);
  return true;
}
