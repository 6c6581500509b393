import { describe, expect, it } from "vitest";
import { metricsAccess } from "./metrics-access";

const TOKEN = "s3cret-metrics-token";

describe("metricsAccess", () => {
  it.each([
    ["the token, from anywhere", { authorization: `Bearer ${TOKEN}`, clientAddress: "203.0.113.9", isForwarded: true, token: TOKEN }, 200],
    ["the token, lower-case scheme", { authorization: `bearer ${TOKEN}`, clientAddress: "203.0.113.9", isForwarded: false, token: TOKEN }, 200],
    ["no Authorization with a token set, even from loopback", { authorization: undefined, clientAddress: "127.0.0.1", isForwarded: false, token: TOKEN }, 401],
    ["a wrong token", { authorization: "Bearer nope", clientAddress: "127.0.0.1", isForwarded: false, token: TOKEN }, 401],
    ["the token as Basic", { authorization: `Basic ${TOKEN}`, clientAddress: "127.0.0.1", isForwarded: false, token: TOKEN }, 401],
    ["a longer token that starts with it", { authorization: `Bearer ${TOKEN}x`, clientAddress: "127.0.0.1", isForwarded: false, token: TOKEN }, 401],
    ["no token set: IPv4 loopback", { authorization: undefined, clientAddress: "127.0.0.1", isForwarded: false, token: undefined }, 200],
    ["no token set: 127.0.0.2", { authorization: undefined, clientAddress: "127.0.0.2", isForwarded: false, token: "" }, 200],
    ["no token set: IPv6 loopback", { authorization: undefined, clientAddress: "::1", isForwarded: false, token: undefined }, 200],
    ["no token set: mapped loopback", { authorization: undefined, clientAddress: "::ffff:127.0.0.1", isForwarded: false, token: undefined }, 200],
    ["no token set: another host", { authorization: undefined, clientAddress: "10.0.0.5", isForwarded: false, token: undefined }, 404],
    ["no token set: unknown address", { authorization: undefined, clientAddress: "unknown", isForwarded: false, token: undefined }, 404],
    ["no token set: loopback proxy forwarding someone", { authorization: undefined, clientAddress: "127.0.0.1", isForwarded: true, token: undefined }, 404],
    ["no token set: a bearer is no key", { authorization: "Bearer anything", clientAddress: "10.0.0.5", isForwarded: false, token: undefined }, 404],
  ] as const)("%s", (_name, options, expected) => {
    expect(metricsAccess(options)).toBe(expected);
  });
});
