import { evaluateCel } from "./cel";
import { matchesGlob } from "./glob";
import type { PolicyCall, PolicyDecision, TAnnotationMatch, TPolicy, TRule } from "./policy.types";

function matchesAnnotations(want: TAnnotationMatch | undefined, have: Record<string, unknown> | undefined): boolean {
  if (!want) return true;
  for (const [hint, value] of Object.entries(want)) {
    if ((have?.[hint] === true) !== value) return false;
  }
  return true;
}

/**
 * Whether a rule applies to a call. A `when` that fails to evaluate (a missing
 * key, a wrong type) fails closed: a deny or hold rule applies, an allow rule does not.
 */
function ruleMatches(rule: TRule, call: PolicyCall): { isMatch: boolean; note?: string } {
  const m = rule.match;
  if (!matchesGlob(m.server, call.server) || !matchesGlob(m.tool, call.tool)) return { isMatch: false };
  if (!matchesGlob(m.bridge, call.bridge ?? "") || !matchesGlob(m.principal, call.principal ?? "")) return { isMatch: false };
  if (!matchesAnnotations(m.annotations, call.annotations)) return { isMatch: false };
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
  for (const rule of policy.rules) {
    if (!rule.enabled) continue;
    const { isMatch, note } = ruleMatches(rule, call);
    if (!isMatch) continue;
    return {
      action: rule.action,
      rule,
      reason: `rule "${rule.name}"${rule.when ? ` (when ${rule.when})` : ` (${rule.match.server} / ${rule.match.tool})`} → ${rule.action}${note ? `; ${note}` : ""}`,
      timeoutSeconds: rule.timeoutSeconds,
      approvers: rule.approvers,
      message: rule.message,
    };
  }
  return {
    action: policy.default,
    rule: null,
    reason: `no rule matched; policy default → ${policy.default}`,
    timeoutSeconds: policy.defaultTimeoutSeconds,
    approvers: 1,
  };
}
