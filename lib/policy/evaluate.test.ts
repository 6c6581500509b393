import { describe, expect, it } from "vitest";
import { evaluatePolicy } from "./evaluate";
import { matchesGlob } from "./glob";
import { ZPolicy, ZRule, type TPolicyInput } from "./policy.types";

const policy = (input: TPolicyInput) => ZPolicy.parse(input);
const call = (tool: string, server = "fs") => ({ server, tool, args: {} });

describe("globs", () => {
  it.each([
    ["*", "anything", true],
    ["*write_file", "write_file", true],
    ["*write_file", "fs__write_file", true],
    ["*write_file", "write_file_now", false],
    ["read_?", "read_a", true],
    ["read_?", "read_ab", false],
    ["fs.*", "fsx", false],
    ["a+b", "aab", false],
    ["a+b", "a+b", true],
  ])("%s vs %s → %s", (glob, name, expected) => {
    expect(matchesGlob(glob, name)).toBe(expected);
  });
});

describe("evaluatePolicy", () => {
  const rules: TPolicyInput["rules"] = [
    { name: "hold writes", match: { tool: "*write_file" }, action: "require_approval", timeoutSeconds: 30 },
    { name: "deny shell", match: { server: "shell", tool: "*" }, action: "deny", message: "no shell" },
    { name: "allow reads", match: { tool: "read_*" }, action: "allow" },
  ];

  it("first matching rule wins, in order", () => {
    const p = policy({ default: "deny", rules: [...rules, { name: "allow all", match: {}, action: "allow" }] });
    const decision = evaluatePolicy(p, call("write_file"));
    expect(decision.action).toBe("require_approval");
    expect(decision.rule?.name).toBe("hold writes");
    expect(decision.timeoutSeconds).toBe(30);
  });

  it("matches the server glob as well as the tool glob", () => {
    const p = policy({ default: "allow", rules });
    expect(evaluatePolicy(p, call("read_file", "shell")).action).toBe("deny");
    expect(evaluatePolicy(p, call("read_file", "shell")).message).toBe("no shell");
    expect(evaluatePolicy(p, call("read_file", "fs")).action).toBe("allow");
  });

  it("falls back to the default when nothing matches", () => {
    for (const fallback of ["allow", "deny", "require_approval"] as const) {
      const decision = evaluatePolicy(policy({ default: fallback, rules }), call("list_directory"));
      expect(decision.action).toBe(fallback);
      expect(decision.rule).toBeNull();
    }
  });

  it("skips disabled rules", () => {
    const p = policy({ default: "allow", rules: [{ ...rules[0], enabled: false }] });
    expect(evaluatePolicy(p, call("write_file")).action).toBe("allow");
  });
});

describe("rule validation", () => {
  it.each([
    [{ name: "x", match: { tool: "" }, action: "allow" }, "match.tool"],
    [{ name: "x", match: { tool: "a b" }, action: "allow" }, "match.tool"],
    [{ name: "x", match: {}, action: "hold" }, "action"],
    [{ name: "x", match: {}, action: "deny", timeoutSeconds: 0 }, "timeoutSeconds"],
    [{ name: "x", match: {}, action: "deny", extra: 1 }, ""],
    [{ name: "x", match: {}, action: "deny", when: "args.path.startsWith('/etc')" }, "when"],
    [{ name: "", match: {}, action: "deny" }, "name"],
  ])("rejects %j at %s", (input, path) => {
    const result = ZRule.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("fills defaults", () => {
    expect(ZRule.parse({ name: "x", match: {}, action: "require_approval" })).toMatchObject({
      match: { server: "*", tool: "*" },
      approvers: 1,
      timeoutSeconds: 600,
      enabled: true,
    });
  });
});
