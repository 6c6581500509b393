import { db } from "../db/prisma";
import type { RuleTrace } from "../policy/evaluate";
import { ZPolicy } from "../policy/policy.types";
import { testCall } from "../rules/policy-simulation";
import { loadPolicy } from "../rules/policy-versions";
import type { TApprovalDetail } from "./approval-views";

export interface HeldExplanation {
  /** The policy version the trace was computed against. */
  version: number | null;
  /** The rule that decides the call now, as the test panel would say. */
  rule: string | null;
  action: string;
  trace: RuleTrace[];
}

/**
 * Why the other rules did not match a held call: the rules test panel's trace
 * for the call as reviewers see it (its shown arguments and the tool's hints),
 * under the policy version that held it. Session history is not replayed, so
 * a rule on the session chain may read differently than it did live.
 */
export async function explainHeldCall(
  a: Pick<TApprovalDetail, "server" | "tool" | "arguments" | "toolAnnotations" | "bridgeName" | "principal" | "policyVersion">,
): Promise<HeldExplanation | null> {
  const stored = a.policyVersion ? await db.policyVersion.findUnique({ where: { number: a.policyVersion }, select: { policy: true } }) : null;
  const parsed = stored ? ZPolicy.safeParse(stored.policy) : null;
  const policy = parsed?.success ? parsed.data : await loadPolicy();
  const result = testCall(policy, {
    server: a.server,
    // The name the bridge evaluated: the one the agent called (prefixed when the bridge prefixes).
    tool: a.tool,
    args: a.arguments,
    annotations: a.toolAnnotations ?? undefined,
    bridge: a.bridgeName,
    principal: a.principal ?? "",
  });
  return { version: parsed?.success ? a.policyVersion : null, rule: result.rule, action: result.action, trace: result.trace };
}
