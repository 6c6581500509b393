import { isIP } from "node:net";

/**
 * The header the custom server sets on every request to the address it decided the
 * client has. Whatever a client sends under this name is overwritten, so code behind
 * the server (next-auth's authorize) can trust it.
 */
export const CLIENT_ADDRESS_HEADER = "x-airlock-client-address";

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function normalise(address: string | undefined): string | null {
  if (!address) return null;
  const trimmed = address.trim();
  const plain = trimmed.startsWith("::ffff:") && isIP(trimmed.slice(7)) === 4 ? trimmed.slice(7) : trimmed;
  return isIP(plain) ? plain.toLowerCase() : null;
}

/** Parses `AIRLOCK_TRUSTED_PROXIES`: comma-separated addresses of reverse proxies whose X-Forwarded-For is believed. */
export function parseTrustedProxies(raw = process.env.AIRLOCK_TRUSTED_PROXIES): Set<string> {
  const proxies = new Set<string>();
  for (const part of (raw ?? "").split(",")) {
    if (!part.trim()) continue;
    const address = normalise(part);
    if (!address) throw new Error(`AIRLOCK_TRUSTED_PROXIES: "${part.trim()}" is not an IP address`);
    proxies.add(address);
  }
  return proxies;
}

/** Options for {@link clientAddress}. */
export interface ClientAddressOptions {
  /** The TCP peer (`req.socket.remoteAddress`): the only address nobody can forge. */
  socketAddress: string | undefined;
  forwardedFor: string | string[] | undefined;
  trustedProxies: Set<string>;
}

/**
 * Who is asking. X-Forwarded-For is anyone's to write, so it is read only when the
 * TCP peer is a configured trusted proxy, and then from the right: each trusted
 * proxy appends the address it saw, so the first untrusted hop from the right is the
 * client. Without the setting the socket's address is the answer.
 */
export function clientAddress({ socketAddress, forwardedFor, trustedProxies }: ClientAddressOptions): string {
  const peer = normalise(socketAddress) ?? "unknown";
  if (!trustedProxies.has(peer) || !forwardedFor) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalise(hops[i]);
    // A hop that is not an address is a proxy's mistake or a forgery: stop at the proxy itself.
    if (!hop) return peer;
    if (!trustedProxies.has(hop)) return hop;
  }
  return peer;
}
