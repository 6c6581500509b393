import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";

/** Options for {@link metricsAccess}. */
export interface MetricsAccessOptions {
  /** The Authorization header as sent. */
  authorization: string | undefined;
  /** The client's address as the server decided it (the dashboard: lib/server/client-address.ts). */
  clientAddress: string | undefined;
  /** Whether the request names another client (X-Forwarded-For or Forwarded): it came through a proxy. */
  isForwarded: boolean;
  /** AIRLOCK_METRICS_TOKEN; unset or empty means loopback clients only. */
  token: string | undefined;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  return plain === "::1" || (isIP(plain) === 4 && plain.startsWith("127."));
}

/**
 * Who may scrape /metrics: 200, or the status to refuse with. With a token, the bearer of it
 * (compared in constant time, over digests so the length leaks nothing either), from anywhere:
 * 401 otherwise. Without one, only a client on this machine (404 for anyone else, as if there
 * were no such page); a request a proxy forwarded is not local whatever the proxy's address,
 * so a reverse proxy on the same host does not open the page to the internet.
 */
export function metricsAccess({ authorization, clientAddress, isForwarded, token }: MetricsAccessOptions): 200 | 401 | 404 {
  if (token) {
    const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? "";
    return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0 ? 200 : 401;
  }
  return isLoopback(clientAddress) && !isForwarded ? 200 : 404;
}
