import { evaluateCel } from "./cel";
import { compileGlob, type NameMatcher } from "./glob";
import type { PolicyCall, PolicyDecision, TAnnotationMatch, TPolicy, TRule } from "./policy.types";

interface CompiledRule {
  rule: TRule;
  server: NameMatcher;
  tool: NameMatcher;
  bridge: NameMatcher;
  principal: NameMatcher;
  annotations: [string, boolean][];
}

// Policies are compiled once (globs into string tests) and reused for every call.
const compiled = new WeakMap<TPolicy, CompiledRule[]>();

function compilePolicy(policy: TPolicy): CompiledRule[] {
  let rules = compiled.get(policy);
  if (!rules) {
    rules = policy.rules
      .filter((rule) => rule.enabled)
      .map((rule) => ({
        rule,
        server: compileGlob(rule.match.server),
        tool: compileGlob(rule.match.tool),
        bridge: compileGlob(rule.match.bridge),
        principal: compileGlob(rule.match.principal),
        annotations: Object.entries(rule.match.annotations ?? ({} as TAnnotationMatch)) as [string, boolean][],
      }));
    compiled.set(policy, rules);
  }
  return rules;
}

/**
 * Whether a rule applies to a call. A `when` that fails to evaluate (a missing
 * key, a wrong type) fails closed: a deny or hold rule applies, an allow rule does not.
 */
function ruleMatches(c: CompiledRule, call: PolicyCall): { isMatch: boolean; note?: string } {
  if (!c.tool(call.tool) || !c.server(call.server) || !c.bridge(call.bridge ?? "") || !c.principal(call.principal ?? "")) return { isMatch: false };
  for (const [hint, value] of c.annotations) {
    // An absent hint counts as false: annotations are the server's untrusted claims.
    if ((call.annotations?.[hint] === true) !== value) return { isMatch: false };
  }
  const { rule } = c;
  if (!rule.when) return { isMatch: true };
  const result = evaluateCel(rule.when, {
    args: call.args,
    tool: { name: call.tool, server: call.server, annotations: call.annotations ?? {} },
    server: call.server,
    session: { id: call.session?.id ?? "", client: call.session?.client ?? "" },
    principal: call.principal ?? "",
  });
  if (result.error) return { isMatch: rule.action !== "allow", note: `its condition could not be evaluated (${result.error.split("\n")[0]})` };
  return { isMatch: result.value };
}

/**
 * Decides one call: rules in order, the first enabled rule that matches wins,
 * otherwise the policy default. Pure and synchronous: it runs on the bridge's hot path.
 */
export function evaluatePolicy(policy: TPolicy, call: PolicyCall): PolicyDecision {
  for (const c of compilePolicy(policy)) {
    const { isMatch, note } = ruleMatches(c, call);
    if (!isMatch) continue;
    const { rule } = c;
    return {
      action: rule.action,
      rule,
      reason: `rule "${rule.name}"${rule.when ? ` (when ${rule.when})` : ` (${rule.match.server} / ${rule.match.tool})`} → ${rule.action}${note ? `; ${note}` : ""}`,
      timeoutSeconds: rule.timeoutSeconds,
      approvers: rule.approvers,
      approverRole: rule.approverRole,
      message: rule.message,
    };
  }
  return {
    action: policy.default,
    rule: null,
    reason: `no rule matched; policy default → ${policy.default}`,
    timeoutSeconds: policy.defaultTimeoutSeconds,
    approvers: 1,
    approverRole: "reviewer",
  };
}
