import type { TAnnotationMatch, TPolicy, TRule } from "./policy.types";

// Rules that can never fire: first match wins, so a rule is dead when an earlier rule
// always matches every call it could match. The analysis is conservative: it warns only
// when that is provable from the match fields alone. An earlier rule with a `when`
// condition never shadows (its condition may be false, or fail to evaluate, and then
// decide() goes on to later rules); neither does a disabled rule, nor a rule on the
// other stage (calls and results are decided separately).

export interface ShadowedRule {
  /** The rule that can never fire (index into policy.rules). */
  index: number;
  name: string;
  /** The earlier rule that always decides first. */
  byIndex: number;
  byName: string;
}

const isGlobSyntax = (glob: string) => /[*?]/.test(glob);

/** Whether every name `inner` matches is also matched by `outer`, when that is provable simply. */
export function globCovers(outer: string, inner: string): boolean {
  if (outer === "*" || outer === inner) return true;
  // A trailing `*`: any glob (or name) beginning with the same plain prefix is covered.
  if (outer.endsWith("*") && !isGlobSyntax(outer.slice(0, -1))) {
    const prefix = outer.slice(0, -1);
    // `inner`'s own wildcards only come after the prefix, so all its names still start with it.
    return inner.startsWith(prefix) && !isGlobSyntax(inner.slice(0, prefix.length));
  }
  // A leading `*`: any plain name ending with the same plain suffix.
  if (outer.startsWith("*") && !isGlobSyntax(outer.slice(1))) {
    return !isGlobSyntax(inner) && inner.endsWith(outer.slice(1));
  }
  return false;
}

/** Every hint the earlier rule requires is required, with the same value, by the later one. */
function annotationsCover(outer: TAnnotationMatch | undefined, inner: TAnnotationMatch | undefined): boolean {
  return Object.entries(outer ?? {}).every(
    ([hint, value]) => value === undefined || (inner as Record<string, boolean | undefined> | undefined)?.[hint] === value,
  );
}

/** Whether `earlier` matches (unconditionally) every call `later` could match. */
export function ruleCovers(earlier: TRule, later: TRule): boolean {
  if (!earlier.enabled || earlier.when) return false;
  if ((earlier.on ?? "call") !== (later.on ?? "call")) return false;
  const a = earlier.match;
  const b = later.match;
  return (
    globCovers(a.server, b.server) &&
    globCovers(a.tool, b.tool) &&
    globCovers(a.bridge, b.bridge) &&
    // Principals are compared in lower case (evaluate.ts).
    globCovers(a.principal.toLowerCase(), b.principal.toLowerCase()) &&
    annotationsCover(a.annotations, b.annotations)
  );
}

/** The enabled rules that can never fire, each with the first earlier rule that always decides first. */
export function findShadowedRules(policy: Pick<TPolicy, "rules">): ShadowedRule[] {
  const out: ShadowedRule[] = [];
  policy.rules.forEach((rule, index) => {
    if (!rule.enabled) return;
    const byIndex = policy.rules.slice(0, index).findIndex((earlier) => ruleCovers(earlier, rule));
    if (byIndex >= 0) out.push({ index, name: rule.name, byIndex, byName: policy.rules[byIndex]!.name });
  });
  return out;
}
