import { describe, expect, it } from "vitest";
import { evaluatePolicy } from "./evaluate";
import { type TPolicy, type TRuleInput, ZPolicy } from "./policy.types";
import { findShadowedRules, globCovers } from "./shadowing";

const policy = (...rules: TRuleInput[]): TPolicy => ZPolicy.parse({ default: "deny", rules });
const rule = (name: string, match: TRuleInput["match"], extra: Partial<TRuleInput> = {}): TRuleInput => ({ name, match, action: "allow", ...extra });
const shadowed = (p: TPolicy) => findShadowedRules(p).map((s) => [s.name, s.byName]);

describe("globCovers", () => {
  it.each([
    ["*", "anything", true],
    ["*", "git*", true],
    ["github", "github", true],
    ["git*", "github", true],
    ["git*", "github_*", true],
    ["git*", "gi*", false],
    ["git*", "?ithub", false],
    ["*_file", "write_file", true],
    ["*_file", "*_file", true],
    ["*_file", "write_*", false],
    ["read_*", "write_file", false],
    ["a?c", "abc", false],
    ["github", "git*", false],
  ])("%s covers %s: %s", (outer, inner, expected) => {
    expect(globCovers(outer, inner)).toBe(expected);
  });
});

describe("findShadowedRules", () => {
  it("warns for a rule after an unconditional rule on the same server and tool", () => {
    const p = policy(rule("deny writes", { server: "fs", tool: "write_file" }, { action: "deny" }), rule("allow writes", { server: "fs", tool: "write_file" }));
    expect(shadowed(p)).toEqual([["allow writes", "deny writes"]]);
  });

  it("warns for a rule after an unconditional wildcard rule, even one with a condition", () => {
    const p = policy(
      rule("catch all", {}, { action: "require_approval" }),
      rule("allow reads", { server: "fs", tool: "read_*" }, { when: 'args.path.startsWith("/tmp")' }),
    );
    expect(shadowed(p)).toEqual([["allow reads", "catch all"]]);
  });

  it("warns when the earlier rule asks for fewer annotations", () => {
    const p = policy(
      rule("read-only", { annotations: { readOnlyHint: true } }),
      rule("read-only fs", { server: "fs", annotations: { readOnlyHint: true, openWorldHint: false } }),
    );
    expect(shadowed(p)).toEqual([["read-only fs", "read-only"]]);
    // The proof matches the evaluator: the later rule's calls are decided by the earlier one.
    expect(evaluatePolicy(p, { server: "fs", tool: "x", args: {}, annotations: { readOnlyHint: true } }).rule?.name).toBe("read-only");
  });

  it("names the first rule that shadows, once", () => {
    const p = policy(rule("a", { server: "fs" }), rule("b", { server: "fs" }), rule("c", { server: "fs", tool: "t" }));
    expect(shadowed(p)).toEqual([
      ["b", "a"],
      ["c", "a"],
    ]);
  });

  it("does not warn when the earlier rule has a condition (it may not match, or fail to evaluate)", () => {
    const p = policy(rule("cond", { server: "fs" }, { when: "true", action: "deny" }), rule("after", { server: "fs" }));
    expect(shadowed(p)).toEqual([]);
  });

  it("does not warn when the earlier rule is narrower or different", () => {
    expect(shadowed(policy(rule("narrow", { server: "fs", tool: "write_file" }), rule("broad", { server: "fs" })))).toEqual([]);
    expect(shadowed(policy(rule("other tool", { tool: "read_file" }), rule("write", { tool: "write_file" })))).toEqual([]);
    expect(shadowed(policy(rule("one bridge", { bridge: "laptop" }), rule("any bridge", {})))).toEqual([]);
    expect(shadowed(policy(rule("one principal", { principal: "ada@example.com" }), rule("anyone", {})))).toEqual([]);
    // Overlapping globs that neither contains: git* and *hub both match github, but not each other's names.
    expect(shadowed(policy(rule("git", { server: "git*" }), rule("hub", { server: "*hub" })))).toEqual([]);
  });

  it("does not warn when the earlier rule requires an annotation the later one does not", () => {
    const p = policy(rule("read-only", { annotations: { readOnlyHint: true } }), rule("everything", {}));
    expect(shadowed(p)).toEqual([]);
    const opposite = policy(rule("read-only", { annotations: { readOnlyHint: true } }), rule("writers", { annotations: { readOnlyHint: false } }));
    expect(shadowed(opposite)).toEqual([]);
  });

  it("ignores disabled rules on either side and never crosses stages", () => {
    expect(shadowed(policy(rule("off", {}, { enabled: false }), rule("after", {})))).toEqual([]);
    expect(shadowed(policy(rule("first", {}), rule("off", {}, { enabled: false })))).toEqual([]);
    expect(shadowed(policy(rule("calls", {}), rule("results", {}, { on: "result", action: "block" })))).toEqual([]);
    expect(
      shadowed(policy(rule("results", {}, { on: "result", action: "flag" }), rule("more results", { tool: "x" }, { on: "result", action: "block" }))),
    ).toEqual([["more results", "results"]]);
  });

  it("compares principals in lower case, as the evaluator does", () => {
    expect(shadowed(policy(rule("ada", { principal: "Ada@example.com" }), rule("ada again", { principal: "ada@EXAMPLE.com" })))).toEqual([
      ["ada again", "ada"],
    ]);
  });
});
