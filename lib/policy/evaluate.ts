import { matchesGlob } from "./glob";
import type { PolicyCall, PolicyDecision, TPolicy } from "./policy.types";

/**
 * Decides one call: rules in order, the first enabled rule that matches wins,
 * otherwise the policy default. Pure and synchronous: it runs on the bridge's hot path.
 */
export function evaluatePolicy(policy: TPolicy, call: PolicyCall): PolicyDecision {
  for (const rule of policy.rules) {
    if (!rule.enabled) continue;
    if (!matchesGlob(rule.match.server, call.server) || !matchesGlob(rule.match.tool, call.tool)) continue;
    // `when` conditions (CEL) arrive with the rule engine; until then a rule
    // carrying one is refused at validation time, never silently ignored.
    return {
      action: rule.action,
      rule,
      reason: `rule "${rule.name}" (${rule.match.server} / ${rule.match.tool}) → ${rule.action}`,
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
