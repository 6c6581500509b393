import { canonicalJson } from "../crypto/canonical-hash";
import type { TPolicy } from "./policy.types";

export interface PolicyDiff {
  added: string[];
  changed: string[];
  removed: string[];
  /** True when the surviving rules' order differs (first match wins, so order is policy). */
  isReordered: boolean;
  default?: { from: TPolicy["default"]; to: TPolicy["default"] };
}

/** What changes between two policies, by rule name (names are unique). */
export function diffPolicies(before: Pick<TPolicy, "default" | "rules">, after: Pick<TPolicy, "default" | "rules">): PolicyDiff {
  // A rule's id is its identity, not its content: a snapshot with ids and a stored policy without them compare equal.
  const content = ({ id: _id, ...rule }: TPolicy["rules"][number]) => canonicalJson(rule);
  const old = new Map(before.rules.map((r) => [r.name, content(r)]));
  const next = new Map(after.rules.map((r) => [r.name, content(r)]));
  const kept = (rules: TPolicy["rules"], other: Map<string, string>) => rules.map((r) => r.name).filter((n) => other.has(n));
  return {
    added: [...next.keys()].filter((n) => !old.has(n)),
    changed: [...next.keys()].filter((n) => old.has(n) && old.get(n) !== next.get(n)),
    removed: [...old.keys()].filter((n) => !next.has(n)),
    isReordered: kept(before.rules, next).join("\u0000") !== kept(after.rules, old).join("\u0000"),
    ...(before.default !== after.default ? { default: { from: before.default, to: after.default } } : {}),
  };
}

export function isEmptyDiff(diff: PolicyDiff): boolean {
  return !diff.added.length && !diff.changed.length && !diff.removed.length && !diff.isReordered && !diff.default;
}

/** The plan as lines for a terminal: `+ added`, `~ changed`, `- removed`. */
export function formatDiff(diff: PolicyDiff): string[] {
  if (isEmptyDiff(diff)) return ["no changes"];
  return [
    ...diff.added.map((n) => `+ ${n}`),
    ...diff.changed.map((n) => `~ ${n}`),
    ...diff.removed.map((n) => `- ${n}`),
    ...(diff.isReordered ? ["~ rule order"] : []),
    ...(diff.default ? [`~ default: ${diff.default.from} → ${diff.default.to}`] : []),
  ];
}
