import type { Rule } from "../db/prisma";
import type { TAnnotationMatch, TEscalateTo, TRule } from "../policy/policy.types";

/** A stored rule in the policy-file shape (DESIGN.md). */
export function toPolicyRule(rule: Rule): TRule & { id: string; position: number } {
  return {
    id: rule.id,
    position: rule.position,
    name: rule.name,
    match: {
      server: rule.serverGlob,
      tool: rule.toolGlob,
      bridge: rule.bridgeGlob,
      principal: rule.principalGlob,
      ...(rule.annotations ? { annotations: rule.annotations as TAnnotationMatch } : {}),
    },
    ...(rule.when ? { when: rule.when } : {}),
    ...(rule.stage === "result" ? { on: "result" as const } : {}),
    action: rule.action,
    approvers: rule.approvers,
    approverRole: rule.approverRole as TRule["approverRole"],
    ...(rule.approverGroup ? { approverGroup: rule.approverGroup } : {}),
    timeoutSeconds: rule.timeoutSeconds,
    onTimeout: rule.onTimeout as TRule["onTimeout"],
    ...(Array.isArray(rule.redact) && rule.redact.length ? { redact: rule.redact as string[] } : {}),
    ...(rule.message ? { message: rule.message } : {}),
    ...(rule.escalateAfterSeconds !== null ? { escalateAfterSeconds: rule.escalateAfterSeconds } : {}),
    ...(rule.escalateTo !== null ? { escalateTo: rule.escalateTo as TEscalateTo } : {}),
    enabled: rule.enabled,
  };
}

/** The columns a rule is stored in. */
export function toRuleColumns(rule: TRule) {
  return {
    name: rule.name,
    serverGlob: rule.match.server,
    toolGlob: rule.match.tool,
    bridgeGlob: rule.match.bridge,
    principalGlob: rule.match.principal,
    annotations: rule.match.annotations ?? undefined,
    when: rule.when ?? null,
    stage: rule.on ?? "call",
    action: rule.action,
    approvers: rule.approvers,
    approverRole: rule.approverRole,
    approverGroup: rule.approverGroup ?? null,
    timeoutSeconds: rule.timeoutSeconds,
    onTimeout: rule.onTimeout,
    redact: rule.redact?.length ? rule.redact : undefined,
    message: rule.message ?? null,
    escalateAfterSeconds: rule.escalateAfterSeconds ?? null,
    escalateTo: rule.escalateTo ?? undefined,
    enabled: rule.enabled,
  };
}

/** The optional JSON columns a rule may leave out: an update must clear them (Prisma leaves a column it is given undefined as it was). */
export function absentJsonColumns(rule: TRule): string[] {
  return [...(rule.match.annotations ? [] : ["annotations"]), ...(rule.redact?.length ? [] : ["redact"]), ...(rule.escalateTo ? [] : ["escalateTo"])];
}
