import type { Rule } from "../db/prisma";
import type { TRule } from "../policy/policy.types";

/** A stored rule in the policy-file shape (DESIGN.md). */
export function toPolicyRule(rule: Rule): TRule & { id: string; position: number } {
  return {
    id: rule.id,
    position: rule.position,
    name: rule.name,
    match: { server: rule.serverGlob, tool: rule.toolGlob },
    ...(rule.when ? { when: rule.when } : {}),
    action: rule.action,
    approvers: rule.approvers,
    timeoutSeconds: rule.timeoutSeconds,
    ...(rule.message ? { message: rule.message } : {}),
    enabled: rule.enabled,
  };
}
