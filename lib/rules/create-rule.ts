import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TRule } from "../policy/policy.types";
import { replacePolicy } from "./policy-versions";
import { toPolicyRule } from "./rule-records";

export interface CreateRuleOptions {
  rule: TRule;
  author: string;
  /** Index in the order; the end by default. */
  position?: number;
  comment?: string;
  /** The user who added it, for the audit event. */
  actorId?: string;
}

/** Adds one rule as a new policy version. */
export async function createRule({ rule, author, position, comment, actorId }: CreateRuleOptions) {
  const change = await replacePolicy({
    author,
    actorId,
    comment: comment ?? `add rule "${rule.name}"`,
    policy: (before) => {
      const key = (name: string) => name.normalize("NFKC").toLowerCase();
      if (before.rules.some((r) => key(r.name) === key(rule.name))) {
        throw new AppError("conflict", { message: `a rule named "${rule.name}" already exists` });
      }
      const rules = [...before.rules];
      rules.splice(position ?? rules.length, 0, rule);
      return { ...before, rules };
    },
  });
  const stored = await db.rule.findUniqueOrThrow({ where: { name: rule.name } });
  return { ...toPolicyRule(stored), version: change.version };
}

export async function listRules() {
  return (await db.rule.findMany({ orderBy: { position: "asc" } })).map(toPolicyRule);
}
