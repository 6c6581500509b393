import { describe, expect, it } from "vitest";
import { evaluatePolicy, evaluateResult, explainPolicy, isDeniedOutright } from "./evaluate";
import { matchesGlob } from "./glob";
import { type TPolicyInput, ZPolicy, ZRule } from "./policy.types";

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
    ["*file*", "read_file_now", true],
    ["*file*", "reader", false],
    ["read_*", "read_", true],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "aXbY", false],
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
    [{ name: "x", match: {}, action: "deny", when: "args.path.startsWith(" }, "when"],
    [{ name: "x", match: {}, action: "deny", when: "secrets == 1" }, "when"],
    [{ name: "x", match: {}, action: "deny", when: "1 + 2" }, "when"],
    [{ name: "x", match: { annotations: { readOnly: true } }, action: "allow" }, "match.annotations"],
    [{ name: "", match: {}, action: "deny" }, "name"],
  ])("rejects %j at %s", (input, path) => {
    const result = ZRule.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("points at the position of a CEL syntax error", () => {
    const result = ZRule.safeParse({ name: "x", match: {}, action: "deny", when: 'args.path.startsWith("/etc"' });
    expect(result.error!.issues[0].message).toMatch(/invalid CEL expression/);
    expect(result.error!.issues[0].message).toContain("^");
  });

  it("fills defaults", () => {
    expect(ZRule.parse({ name: "x", match: {}, action: "require_approval" })).toMatchObject({
      match: { server: "*", tool: "*", bridge: "*", principal: "*" },
      approvers: 1,
      timeoutSeconds: 600,
      enabled: true,
    });
  });
});

describe("conditions and matchers", () => {
  const outside = (action: "deny" | "require_approval" | "allow") =>
    policy({ default: "allow", rules: [{ name: "outside workspace", match: { tool: "write_file" }, when: '!args.path.startsWith("/workspace/")', action }] });

  it("holds only the calls whose arguments meet the CEL condition", () => {
    const p = outside("require_approval");
    expect(evaluatePolicy(p, { server: "fs", tool: "write_file", args: { path: "/etc/passwd" } }).action).toBe("require_approval");
    expect(evaluatePolicy(p, { server: "fs", tool: "write_file", args: { path: "/workspace/a.txt" } }).action).toBe("allow");
  });

  it("fails closed when a condition cannot be evaluated: deny and hold apply, allow does not", () => {
    const call = { server: "fs", tool: "write_file", args: { content: "no path" } };
    expect(evaluatePolicy(outside("deny"), call).action).toBe("deny");
    expect(evaluatePolicy(outside("deny"), call).reason).toMatch(/could not be evaluated/);
    const allowIfInside = policy({ default: "deny", rules: [{ name: "inside", match: {}, when: 'args.path.startsWith("/workspace/")', action: "allow" }] });
    expect(evaluatePolicy(allowIfInside, call).action).toBe("deny");
  });

  describe("a condition that cannot be evaluated never shadows a stricter later rule", () => {
    // `args.path` is absent in these calls, so `args.path.startsWith(…)` errors.
    const broken = 'args.path.startsWith("/tmp/")';
    const noPath = { server: "fs", tool: "write_file", args: { content: "x" } };
    const rule = (name: string, action: string, when?: string, on?: "result") => ({
      name,
      match: {},
      action,
      ...(when ? { when } : {}),
      ...(on ? { on } : {}),
    });
    const calls = (dflt: "allow" | "deny" | "require_approval", ...rules: object[]) => policy({ default: dflt, rules } as TPolicyInput);
    const results = (...rules: object[]) => policy({ default: "allow", rules: rules.map((r) => ({ ...r, on: "result" })) } as TPolicyInput);

    it.each([
      ["flag", "hold_result", "hold_result"],
      ["redact", "block", "block"],
      ["pass", "hold_result", "hold_result"],
      ["flag", "block", "block"],
      ["hold_result", "block", "block"],
    ])("on results: a broken %s rule before a %s rule → %s", (first, second, expected) => {
      const decision = evaluateResult(results(rule("broken", first, broken), rule("strict", second)), noPath);
      expect(decision.action).toBe(expected);
      expect(decision.rule?.name).toBe("strict");
      expect(decision.reason).toMatch(/"broken".*could not be evaluated/);
    });

    it("on results: a broken rule still applies when what follows is more lenient (fail closed)", () => {
      expect(evaluateResult(results(rule("broken", "hold_result", broken), rule("flag all", "flag")), noPath)).toMatchObject({
        action: "hold_result",
        rule: { name: "broken" },
      });
      expect(evaluateResult(results(rule("broken", "redact", broken)), noPath)).toMatchObject({ action: "redact", rule: { name: "broken" } });
      expect(evaluateResult(results(rule("broken", "pass", broken)), noPath).action).toBe("pass");
    });

    it("on calls: a broken require_approval rule does not shadow a later deny, nor the default deny", () => {
      const decision = evaluatePolicy(calls("allow", rule("broken", "require_approval", broken), rule("no writes", "deny")), noPath);
      expect(decision).toMatchObject({ action: "deny", rule: { name: "no writes" } });
      expect(decision.reason).toMatch(/"broken".*could not be evaluated/);
      expect(evaluatePolicy(calls("deny", rule("broken", "require_approval", broken)), noPath)).toMatchObject({ action: "deny", rule: null });
    });

    it("on calls: a broken require_approval rule holds a call that a later rule would allow", () => {
      expect(evaluatePolicy(calls("allow", rule("broken", "require_approval", broken), rule("all", "allow")), noPath)).toMatchObject({
        action: "require_approval",
        rule: { name: "broken" },
      });
      expect(evaluatePolicy(calls("deny", rule("broken", "allow", broken), rule("hold", "require_approval")), noPath).action).toBe("require_approval");
    });

    it("explains it: the broken rule is passed over with its error, the stricter rule matches", () => {
      const { decision, trace } = explainPolicy(calls("allow", rule("broken", "require_approval", broken), rule("no writes", "deny")), noPath);
      expect(decision.action).toBe("deny");
      expect(trace).toEqual([
        { name: "broken", result: "no match", why: expect.stringMatching(/could not be evaluated.*stricter/) },
        { name: "no writes", result: "matched", why: "its matchers all apply" },
      ]);
    });
  });

  it("reads tool, server, principal and session in conditions", () => {
    const p = policy({
      default: "allow",
      rules: [
        {
          name: "sudo",
          match: {},
          when: 'tool.name == "run" && args.cmd.contains("sudo") && principal != "root@example.com" && session.id != ""',
          action: "deny",
        },
      ],
    });
    const run = { server: "shell", tool: "run", args: { cmd: "sudo ls" }, session: { id: "s1" } };
    expect(evaluatePolicy(p, { ...run, principal: "eve@example.com" }).action).toBe("deny");
    expect(evaluatePolicy(p, { ...run, principal: "root@example.com" }).action).toBe("allow");
  });

  it("matches annotations, treating an absent hint as false", () => {
    const p = policy({ default: "require_approval", rules: [{ name: "reads", match: { annotations: { readOnlyHint: true } }, action: "allow" }] });
    expect(evaluatePolicy(p, { server: "fs", tool: "read", args: {}, annotations: { readOnlyHint: true } }).action).toBe("allow");
    expect(evaluatePolicy(p, { server: "fs", tool: "write", args: {}, annotations: { readOnlyHint: false } }).action).toBe("require_approval");
    expect(evaluatePolicy(p, { server: "fs", tool: "write", args: {} }).action).toBe("require_approval");
  });

  it("matches the bridge and the principal by glob", () => {
    const p = policy({ default: "allow", rules: [{ name: "ci", match: { bridge: "ci-*", principal: "*@contractor.example" }, action: "deny" }] });
    expect(evaluatePolicy(p, { server: "s", tool: "t", args: {}, bridge: "ci-runner", principal: "bo@contractor.example" }).action).toBe("deny");
    expect(evaluatePolicy(p, { server: "s", tool: "t", args: {}, bridge: "laptop", principal: "bo@contractor.example" }).action).toBe("allow");
    expect(evaluatePolicy(p, { server: "s", tool: "t", args: {}, bridge: "ci-runner", principal: "me@example.com" }).action).toBe("allow");
  });
});

describe("isDeniedOutright (what tools/list hides)", () => {
  const policy = (input: TPolicyInput) => ZPolicy.parse(input);
  const fs = (tool: string, annotations?: Record<string, unknown>) => ({ server: "fs", tool, annotations });

  it("hides a tool an unconditional deny rule refuses, and no other", () => {
    const p = policy({ default: "allow", rules: [{ name: "no shell", match: { tool: "run_*" }, action: "deny" }] });
    expect(isDeniedOutright(p, fs("run_command"))).toBe(true);
    expect(isDeniedOutright(p, fs("read_file"))).toBe(false);
  });

  it("keeps a tool that some calls may use: a condition or a principal narrows the deny", () => {
    const p = policy({
      default: "allow",
      rules: [
        { name: "sudo", match: { tool: "run_command" }, when: 'args.command.startsWith("sudo")', action: "deny" },
        { name: "bob", match: { tool: "write_file", principal: "bob" }, action: "deny" },
      ],
    });
    expect(isDeniedOutright(p, fs("run_command"))).toBe(false);
    expect(isDeniedOutright(p, fs("write_file"))).toBe(false);
  });

  it("follows rule order: an earlier allow or hold wins, a conditional deny falls through to the next rule", () => {
    const p = policy({
      default: "allow",
      rules: [
        { name: "maybe", match: { tool: "*" }, when: "args.x == 1", action: "deny" },
        { name: "hold writes", match: { tool: "write_*" }, action: "require_approval" },
        { name: "nothing else", match: { tool: "*" }, action: "deny" },
      ],
    });
    expect(isDeniedOutright(p, fs("write_file"))).toBe(false);
    expect(isDeniedOutright(p, fs("read_file"))).toBe(true);
  });

  it("uses annotations and the default", () => {
    const p = policy({ default: "deny", rules: [{ name: "reads", match: { annotations: { readOnlyHint: true } }, action: "allow" }] });
    expect(isDeniedOutright(p, fs("read_file", { readOnlyHint: true }))).toBe(false);
    expect(isDeniedOutright(p, fs("write_file", { readOnlyHint: false }))).toBe(true);
    expect(isDeniedOutright(p, fs("write_file"))).toBe(true);
  });
});

describe("explainPolicy (the rules test panel)", () => {
  it("says why each rule matched, missed, was skipped or not reached", () => {
    const policy = ZPolicy.parse({
      default: "allow",
      rules: [
        { name: "off", match: { tool: "*" }, action: "deny", enabled: false },
        { name: "reads", match: { annotations: { readOnlyHint: true } }, action: "allow" },
        { name: "outside", match: { tool: "write_file" }, when: '!args.path.startsWith("/workspace/")', action: "require_approval" },
        { name: "later", match: { tool: "*" }, action: "deny" },
      ],
    });
    const { decision, trace } = explainPolicy(policy, { server: "fs", tool: "write_file", args: { path: "/etc/passwd" } });
    expect(decision.rule?.name).toBe("outside");
    expect(trace.map((t) => t.result)).toEqual(["disabled", "no match", "matched", "not reached"]);
    expect(trace[1].why).toMatch(/readOnlyHint is not true/);
    const inside = explainPolicy(policy, { server: "fs", tool: "write_file", args: { path: "/workspace/a" } });
    expect(inside.trace[2]).toMatchObject({ result: "no match", why: expect.stringMatching(/condition is false/) });
    expect(inside.decision.rule?.name).toBe("later");
  });
});

describe("a policy's rule names and ids", () => {
  const rule = (name: string, extra: object = {}) => ({ name, match: { tool: "*" }, action: "require_approval" as const, ...extra });

  it.each([
    ["the same name twice", [rule("hold writes"), rule("hold writes", { approvers: 2 })], ["rules", 1, "name"]],
    ["names that differ only in case", [rule("Hold writes"), rule("hold WRITES")], ["rules", 1, "name"]],
    ["names that differ only in width (NFKC)", [rule("hold"), rule("ｈｏｌｄ")], ["rules", 1, "name"]],
    ["the same id twice", [rule("a", { id: "r1" }), rule("b", { id: "r1" })], ["rules", 1, "id"]],
  ])("refuses %s, naming the second", (_label, rules, path) => {
    const result = ZPolicy.safeParse({ default: "deny", rules });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([path]);
  });

  it("accepts distinct names and ids", () => {
    expect(ZPolicy.safeParse({ default: "deny", rules: [rule("a", { id: "r1" }), rule("b"), rule("c", { id: "r3" })] }).success).toBe(true);
  });
});
