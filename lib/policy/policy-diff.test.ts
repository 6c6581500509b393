import { describe, expect, it } from "vitest";
import { type TPolicyInput, ZPolicy } from "./policy.types";
import { diffPolicies, formatDiff, isEmptyDiff } from "./policy-diff";

const p = (input: TPolicyInput) => ZPolicy.parse(input);
const a = { name: "a", match: { tool: "a" }, action: "allow" } as const;
const b = { name: "b", match: { tool: "b" }, action: "deny" } as const;
const c = { name: "c", match: { tool: "c" }, action: "require_approval" } as const;

describe("diffPolicies", () => {
  it("finds nothing between equal policies, whatever the key order", () => {
    const diff = diffPolicies(p({ default: "deny", rules: [a, b] }), p({ rules: [{ action: "allow", match: { tool: "a" }, name: "a" }, b], default: "deny" }));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(formatDiff(diff)).toEqual(["no changes"]);
  });

  it("names added, changed and removed rules, a new order and a new default", () => {
    const diff = diffPolicies(p({ default: "deny", rules: [a, b] }), p({ default: "require_approval", rules: [{ ...b, message: "no" }, a, c] }));
    expect(diff).toEqual({ added: ["c"], changed: ["b"], removed: [], isReordered: true, default: { from: "deny", to: "require_approval" } });
    expect(formatDiff(diff)).toEqual(["+ c", "~ b", "~ rule order", "~ default: deny → require_approval"]);
    expect(diffPolicies(p({ default: "deny", rules: [a, b] }), p({ default: "deny", rules: [b] })).removed).toEqual(["a"]);
  });
});
