import { describe, expect, it } from "vitest";
import { diffArguments } from "./argument-diff";

describe("diffArguments", () => {
  it("finds nothing when only the key order differs", () => {
    expect(diffArguments({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual([]);
  });

  it("names changed, added and removed fields by path", () => {
    const before = { path: "/tmp/a", options: { mode: "w", "odd key": 1 }, to: ["x@a", "y@a"], drop: true };
    const after = { path: "/tmp/b", options: { mode: "w", "odd key": 2 }, to: ["x@a", "z@a"], extra: null };
    expect(diffArguments(before, after)).toEqual([
      { path: "path", kind: "changed", before: "/tmp/a", after: "/tmp/b" },
      { path: 'options["odd key"]', kind: "changed", before: 1, after: 2 },
      { path: "to[1]", kind: "changed", before: "y@a", after: "z@a" },
      { path: "drop", kind: "removed", before: true },
      { path: "extra", kind: "added", after: null },
    ]);
  });

  it("treats arrays of another length, and type changes, as one changed value", () => {
    expect(diffArguments({ to: ["a"] }, { to: ["a", "b"] })).toEqual([{ path: "to", kind: "changed", before: ["a"], after: ["a", "b"] }]);
    expect(diffArguments({ n: 1 }, { n: "1" })).toEqual([{ path: "n", kind: "changed", before: 1, after: "1" }]);
    expect(diffArguments({ o: { a: 1 } }, { o: [1] })).toEqual([{ path: "o", kind: "changed", before: { a: 1 }, after: [1] }]);
  });

  it("stops at the limit", () => {
    const before = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i + 1]));
    expect(diffArguments(before, after, 10)).toHaveLength(10);
  });
});
