import type { Prisma } from "../db/prisma";
import { RULE_ACTIONS, type TPolicy } from "../policy/policy.types";
import { toPolicyRule } from "./rule-records";

type Tx = Prisma.TransactionClient;

export const DEFAULT_KEY = "policy.default";
export const DEFAULT_TIMEOUT_SECONDS = 600;

/**
 * A fresh install holds every call that no rule lets through: Airlock fails
 * closed until an admin says what is safe.
 */
export const INSTALL_DEFAULT: TPolicy["default"] = "require_approval";

/** The working policy as stored in the Rule table and settings (no version). */
export async function readPolicy(tx: Tx): Promise<TPolicy> {
  const [rules, setting] = await Promise.all([tx.rule.findMany({ orderBy: { position: "asc" } }), tx.setting.findUnique({ where: { key: DEFAULT_KEY } })]);
  const value = setting?.value as TPolicy["default"] | undefined;
  return {
    default: value && (RULE_ACTIONS as readonly string[]).includes(value) ? value : INSTALL_DEFAULT,
    defaultTimeoutSeconds: DEFAULT_TIMEOUT_SECONDS,
    rules: rules.map((r) => {
      const { id: _id, position: _position, ...rule } = toPolicyRule(r);
      return rule;
    }),
  };
}
