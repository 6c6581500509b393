import { describe, expect, it } from "vitest";
import { canonicalJson, hashArguments } from "./canonical-hash";

describe("canonical argument hashing", () => {
  it("ignores key order at every depth", () => {
    expect(hashArguments({ a: 1, b: { c: 2, d: [1, { e: 3, f: 4 }] } })).toBe(hashArguments({ b: { d: [1, { f: 4, e: 3 }], c: 2 }, a: 1 }));
  });

  it("keeps array order and distinguishes values", () => {
    expect(hashArguments({ a: [1, 2] })).not.toBe(hashArguments({ a: [2, 1] }));
    expect(hashArguments({ a: "1" })).not.toBe(hashArguments({ a: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});
