import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies } from "./client-address";

const PROXY = "10.0.0.5";

describe("clientAddress", () => {
  it.each([
    ["no trusted proxy: the socket, whatever X-Forwarded-For says", "203.0.113.9", "198.51.100.1", "", "203.0.113.9"],
    ["an IPv4-mapped socket address is the IPv4 address", "::ffff:203.0.113.9", undefined, "", "203.0.113.9"],
    ["a peer that is not a trusted proxy: X-Forwarded-For is ignored", "203.0.113.9", "198.51.100.1", PROXY, "203.0.113.9"],
    ["behind a trusted proxy: the hop it appended", PROXY, "198.51.100.1", PROXY, "198.51.100.1"],
    ["a client-forged prefix is skipped: the rightmost untrusted hop wins", PROXY, "1.2.3.4, 198.51.100.1", PROXY, "198.51.100.1"],
    ["two trusted proxies in a row", PROXY, "198.51.100.1, 10.0.0.6", `${PROXY},10.0.0.6`, "198.51.100.1"],
    ["garbage in X-Forwarded-For: the proxy itself", PROXY, "not-an-ip", PROXY, PROXY],
    ["a trusted proxy without X-Forwarded-For: the proxy", PROXY, undefined, PROXY, PROXY],
    ["no socket address at all", undefined, undefined, "", "unknown"],
  ])("%s", (_, socketAddress, forwardedFor, trusted, expected) => {
    expect(clientAddress({ socketAddress, forwardedFor, trustedProxies: parseTrustedProxies(trusted) })).toBe(expected);
  });

  it("refuses a trusted-proxy setting that is not a list of addresses", () => {
    expect(() => parseTrustedProxies("10.0.0.0/8")).toThrow(/not an IP address/);
  });
});
