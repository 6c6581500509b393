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

  it("writes exactly what JSON.stringify writes with sorted keys, for any JSON-like value", () => {
    const sortedStringify = (value: unknown) =>
      JSON.stringify(value, (_key, v) =>
        v && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, (v as Record<string, unknown>)[k]]),
            )
          : v,
      );
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const leaves = [
      0,
      -0,
      1.5,
      -3e-7,
      1e21,
      2 ** 53,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "",
      'é\n\u2028"',
      "\ud800",
      true,
      false,
      null,
      undefined,
      new Date(0),
    ];
    const make = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.4) return leaves[Math.floor(random() * leaves.length)];
      if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => make(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, (_, i) => [["b", "a", "é", "A", "__proto_", "10", "9"][i % 7] + i, make(depth + 1)]),
      );
    };
    for (let i = 0; i < 2_000; i++) {
      const value = make(0);
      expect(canonicalJson(value)).toBe(sortedStringify(value));
    }
  });
});
