import { db } from "../db/prisma";
import { RULE_ACTIONS, type TPolicy } from "../policy/policy.types";
import { toPolicyRule } from "./rule-records";

const DEFAULT_KEY = "policy.default";

/**
 * A fresh install holds every call that no rule lets through: Airlock fails
 * closed until an admin says what is safe.
 */
export const INSTALL_DEFAULT: TPolicy["default"] = "require_approval";

export async function getPolicyDefault(): Promise<TPolicy["default"]> {
  const row = await db.setting.findUnique({ where: { key: DEFAULT_KEY } });
  const value = row?.value as TPolicy["default"] | undefined;
  return value && (RULE_ACTIONS as readonly string[]).includes(value) ? value : INSTALL_DEFAULT;
}

export async function setPolicyDefault(value: TPolicy["default"]): Promise<void> {
  await db.setting.upsert({ where: { key: DEFAULT_KEY }, create: { key: DEFAULT_KEY, value }, update: { value } });
}

/** The policy bridges enforce: the stored rules in order, then the default. */
export async function loadPolicy(): Promise<TPolicy> {
  const [rules, fallback] = await Promise.all([db.rule.findMany({ orderBy: { position: "asc" } }), getPolicyDefault()]);
  const latest = rules.reduce((max, r) => Math.max(max, r.updatedAt.getTime()), 0);
  return {
    version: `${rules.length}-${latest}`,
    default: fallback,
    defaultTimeoutSeconds: 600,
    rules: rules.map((r) => {
      const { id: _id, position: _position, ...rule } = toPolicyRule(r);
      return rule;
    }),
  };
}
