import { describe, expect, it } from "vitest";
import { type BridgeOptions, parseBridgeOptions, UsageError } from "./bridge-options";

const BASE = ["--upstream", "node server.js", "--policy", "policy.yaml"];
const parse = (...flags: string[]) => parseBridgeOptions([...BASE, ...flags], {}) as BridgeOptions;

describe("--metrics", () => {
  it.each([
    [["--metrics", "9464"], { host: "127.0.0.1", port: 9464 }],
    [["--metrics", "127.0.0.1:9464"], { host: "127.0.0.1", port: 9464 }],
    [["--metrics", "0.0.0.0:9464"], { host: "0.0.0.0", port: 9464 }],
    [["--metrics", "[::1]:0"], { host: "::1", port: 0 }],
  ])("%j → %j (a bare port is loopback)", (flags, expected) => {
    expect(parse(...flags).metrics).toEqual(expected);
  });

  it("is off unless asked for", () => {
    expect(parse().metrics).toBeUndefined();
  });

  it.each([["localhost"], ["127.0.0.1:"], ["99999"], ["127.0.0.1:99999"], ["http://127.0.0.1:9464"]])("refuses %s", (value) => {
    expect(() => parse("--metrics", value)).toThrow(UsageError);
    expect(() => parse("--metrics", value)).toThrow(/^--metrics: /);
  });
});
