import { evaluateCel } from "./cel";
import { compileGlob, type NameMatcher } from "./glob";
import {
  type PolicyCall,
  type PolicyDecision,
  type RESULT_ACTIONS,
  SIGNAL_NAMES,
  type TAnnotationMatch,
  type TPolicy,
  type TRule,
  type TSignalSet,
  type TSignals,
} from "./policy.types";

interface CompiledRule {
  rule: TRule;
  server: NameMatcher;
  tool: NameMatcher;
  bridge: NameMatcher;
  principal: NameMatcher;
  annotations: [string, boolean][];
}

/** A signal set with nothing found: what a rule reads before the detectors ran (or found nothing). */
export const NO_SIGNALS: TSignalSet = Object.freeze({
  ...Object.fromEntries([...SIGNAL_NAMES, "any"].map((n) => [n, false])),
  severity: Object.fromEntries([...SIGNAL_NAMES, "any"].map((n) => [n, "none"])),
}) as TSignalSet;
const NO_ROLE = Object.freeze({ private: false, untrusted: false, sink: false });
const EMPTY_SIGNALS: TSignals = Object.freeze({ args: NO_SIGNALS, result: NO_SIGNALS });

interface CompiledPolicy {
  calls: CompiledRule[];
  results: CompiledRule[];
  /** What the rules read, so the bridge runs the detectors only when a rule looks at them. */
  needs: PolicyNeeds;
}

export interface PolicyNeeds {
  /** A rule reads `signals.args`: scan the arguments before deciding. */
  argSignals: boolean;
  /** A rule reads what the session took in (`session.private|untrusted|tainted`) or the tool's role: scan results to keep the chain. */
  session: boolean;
  /** The policy has rules on results: scan what the upstream answered. */
  results: boolean;
}

// Policies are compiled once (globs into string tests) and reused for every call.
const compiled = new WeakMap<TPolicy, CompiledPolicy>();

function compileRules(rules: TRule[]): CompiledRule[] {
  return rules.map((rule) => ({
    rule,
    server: compileGlob(rule.match.server),
    tool: compileGlob(rule.match.tool),
    bridge: compileGlob(rule.match.bridge),
    // Principals are compared in their normalised spelling (lower case), so the glob is too.
    principal: compileGlob(rule.match.principal.toLowerCase()),
    annotations: Object.entries(rule.match.annotations ?? ({} as TAnnotationMatch)) as [string, boolean][],
  }));
}

function compileAll(policy: TPolicy): CompiledPolicy {
  let c = compiled.get(policy);
  if (!c) {
    const enabled = policy.rules.filter((rule) => rule.enabled);
    const results = enabled.filter((rule) => rule.on === "result");
    const whens = enabled.map((rule) => rule.when ?? "").join("\n");
    c = {
      calls: compileRules(enabled.filter((rule) => rule.on !== "result")),
      results: compileRules(results),
      needs: {
        argSignals: /\bsignals\b/.test(whens),
        // Over-approximated on purpose: `session["tainted"]` reads the facts as surely as `session.tainted`.
        session: /\b(?:private|untrusted|tainted|role)\b/.test(whens),
        results: results.length > 0,
      },
    };
    compiled.set(policy, c);
  }
  return c;
}

/** What a policy's rules read: the bridge skips the detectors no rule looks at. */
export function policyNeeds(policy: TPolicy): PolicyNeeds {
  return compileAll(policy).needs;
}

function compilePolicy(policy: TPolicy): CompiledRule[] {
  return compileAll(policy).calls;
}

/**
 * Whether a rule applies to a call. A `when` that fails to evaluate (a missing key, a
 * wrong type) is no match, and its error is returned: `decide` settles what it means.
 */
function ruleMatches(c: CompiledRule, call: PolicyCall): { isMatch: boolean; error?: string } {
  if (!c.tool(call.tool) || !c.server(call.server) || !c.bridge(call.bridge ?? "") || !c.principal(call.principal ?? "")) return { isMatch: false };
  for (const [hint, value] of c.annotations) {
    // An absent hint counts as false: annotations are the server's untrusted claims.
    if ((call.annotations?.[hint] === true) !== value) return { isMatch: false };
  }
  const { rule } = c;
  if (!rule.when) return { isMatch: true };
  const result = evaluateCel(rule.when, {
    args: call.args,
    tool: { name: call.tool, server: call.server, annotations: call.annotations ?? {}, role: call.role ?? NO_ROLE },
    server: call.server,
    session: {
      id: call.session?.id ?? "",
      client: call.session?.client ?? "",
      private: call.session?.private === true,
      untrusted: call.session?.untrusted === true,
      tainted: call.session?.tainted === true,
    },
    principal: call.principal ?? "",
    signals: call.signals ?? EMPTY_SIGNALS,
  });
  if (result.error) return { isMatch: false, error: result.error.split("\n")[0] };
  return { isMatch: result.value };
}

/** How strict each action is, on calls and on results: what a condition that could not be evaluated is weighed by. */
const STRICTNESS: Record<string, number> = { allow: 0, require_approval: 1, deny: 2, pass: 0, flag: 1, redact: 2, hold_result: 3, block: 4 };

interface Verdict {
  /** The rule that decides; null for the fallback (the policy default on calls, pass on results). */
  c: CompiledRule | null;
  /** Why the deciding rule applies though its condition could not be evaluated. */
  note?: string;
  /** Earlier rules whose condition could not be evaluated, passed over for a stricter decision after them. */
  passedOver: { rule: TRule; error: string }[];
}

/**
 * The rule that decides: rules in order, the first that matches wins. A rule whose
 * condition cannot be evaluated fails closed: it might have matched or not, so the
 * stricter of the two outcomes applies, its own action or what the rules after it (and
 * the fallback) decide. So a broken `flag`, `redact` or `require_approval` never shadows
 * a later `hold_result`, `block` or `deny`; a broken `hold_result` still holds a result a
 * later rule would only flag; a broken `allow` or `pass` never decides. A broken rule is
 * weighed against the whole rest of the list rather than simply skipped, because skipping
 * a broken `require_approval` or `redact` would let through what it was written to stop.
 */
function decide(rules: readonly CompiledRule[], call: PolicyCall, fallback: string, from = 0): Verdict {
  for (let i = from; i < rules.length; i++) {
    const c = rules[i] as CompiledRule;
    const { isMatch, error } = ruleMatches(c, call);
    if (error !== undefined) {
      const rest = decide(rules, call, fallback, i + 1);
      const strictness = STRICTNESS[c.rule.action] ?? 0;
      if (strictness === 0 || (STRICTNESS[rest.c?.rule.action ?? fallback] ?? 0) > strictness)
        return { ...rest, passedOver: [{ rule: c.rule, error }, ...rest.passedOver] };
      return { c, note: `its condition could not be evaluated (${error}); failing closed, it applies`, passedOver: [] };
    }
    if (isMatch) return { c, passedOver: [] };
  }
  return { c: null, passedOver: [] };
}

/** The broken rules a decision passed over, for its reason. */
function passedOverNote({ passedOver }: Verdict): string {
  return passedOver
    .map(
      ({ rule, error }) =>
        `; rule "${rule.name}" was passed over: its condition could not be evaluated (${error}) and failing closed takes the stricter decision`,
    )
    .join("");
}

const reasonOf = (rule: TRule, verdict: Verdict) =>
  `rule "${rule.name}"${rule.when ? ` (when ${rule.when})` : ` (${rule.match.server} / ${rule.match.tool})`} → ${rule.action}${verdict.note ? `; ${verdict.note}` : ""}${passedOverNote(verdict)}`;

/**
 * Decides one call: rules in order, the first enabled rule that matches wins,
 * otherwise the policy default. Pure and synchronous: it runs on the bridge's hot path.
 */
export function evaluatePolicy(policy: TPolicy, call: PolicyCall): PolicyDecision {
  const verdict = decide(compilePolicy(policy), call, policy.default);
  if (verdict.c) {
    const { rule } = verdict.c;
    return {
      action: rule.action as PolicyDecision["action"],
      rule,
      reason: reasonOf(rule, verdict),
      timeoutSeconds: rule.timeoutSeconds,
      approvers: rule.approvers,
      approverRole: rule.approverRole,
      ...(rule.approverGroup ? { approverGroup: rule.approverGroup } : {}),
      onTimeout: rule.onTimeout,
      redact: rule.redact,
      message: rule.message,
    };
  }
  return {
    action: policy.default,
    rule: null,
    reason: `no rule matched; policy default → ${policy.default}${passedOverNote(verdict)}`,
    timeoutSeconds: policy.defaultTimeoutSeconds,
    approvers: 1,
    approverRole: "reviewer",
    onTimeout: "reject",
  };
}

export interface ResultDecision {
  action: (typeof RESULT_ACTIONS)[number];
  rule: TRule | null;
  reason: string;
  timeoutSeconds: number;
  approvers: number;
  approverRole: "reviewer" | "admin";
  approverGroup?: string;
  onTimeout: "reject" | "allow";
  message?: string;
}

/**
 * Decides what happens to a call's result before the model sees it: the rules on
 * results in order, the first that matches wins; none matching passes it. `call.signals.result`
 * holds what the detectors found in it.
 */
export function evaluateResult(policy: TPolicy, call: PolicyCall): ResultDecision {
  const verdict = decide(compileAll(policy).results, call, "pass");
  if (verdict.c) {
    const { rule } = verdict.c;
    return {
      action: rule.action as ResultDecision["action"],
      rule,
      reason: reasonOf(rule, verdict),
      timeoutSeconds: rule.timeoutSeconds,
      approvers: rule.approvers,
      approverRole: rule.approverRole,
      ...(rule.approverGroup ? { approverGroup: rule.approverGroup } : {}),
      onTimeout: rule.onTimeout,
      message: rule.message,
    };
  }
  return {
    action: "pass",
    rule: null,
    reason: `no rule on results matched${passedOverNote(verdict)}`,
    timeoutSeconds: policy.defaultTimeoutSeconds,
    approvers: 1,
    approverRole: "reviewer",
    onTimeout: "reject",
  };
}

/** What is known of a tool before any call: enough to tell whether every call to it is refused. */
export interface ToolFacts {
  server: string;
  tool: string;
  annotations?: PolicyCall["annotations"];
  bridge?: string;
}

/**
 * True when the policy refuses every call to this tool whatever its arguments,
 * session or principal: the first rule that can apply to it is an unconditional
 * deny, or none can and the default is deny. The bridge hides such tools from
 * `tools/list` (the model need not see what it may never use); calls by name
 * are still refused by `evaluatePolicy`.
 */
export function isDeniedOutright(policy: TPolicy, facts: ToolFacts): boolean {
  for (const { rule, server, tool, bridge, annotations } of compilePolicy(policy)) {
    if (!tool(facts.tool) || !server(facts.server) || !bridge(facts.bridge ?? "")) continue;
    if (annotations.some(([hint, value]) => (facts.annotations?.[hint] === true) !== value)) continue;
    // A condition on the call or the principal: some calls may pass this rule, others fall through.
    if (rule.when || rule.match.principal !== "*") {
      if (rule.action === "deny") continue;
      return false;
    }
    return rule.action === "deny";
  }
  return policy.default === "deny";
}

/** Why each rule did or did not decide a call, in order, for the rules test panel. */
export interface RuleTrace {
  name: string;
  result: "matched" | "no match" | "disabled" | "not reached";
  why: string;
}

/** Explains `evaluatePolicy`: the same decision, and for each rule why it matched or not. */
export function explainPolicy(policy: TPolicy, call: PolicyCall): { decision: PolicyDecision; trace: RuleTrace[] } {
  const decision = evaluatePolicy(policy, call);
  const rules = compilePolicy(policy);
  const verdict = decide(rules, call, policy.default);
  const passedOver = new Map(verdict.passedOver.map(({ rule, error }) => [rule, error]));
  const enabled = new Map(rules.map((c) => [c.rule, c]));
  let isDecided = false;
  const trace = policy.rules.map((rule): RuleTrace => {
    if (isDecided) return { name: rule.name, result: "not reached", why: "an earlier rule decided (first match wins)" };
    const c = enabled.get(rule);
    if (!c) return { name: rule.name, result: "disabled", why: "the rule is disabled" };
    const miss = [
      [c.tool(call.tool), `tool "${call.tool}" does not match ${rule.match.tool}`],
      [c.server(call.server), `server "${call.server}" does not match ${rule.match.server}`],
      [c.bridge(call.bridge ?? ""), `bridge "${call.bridge ?? ""}" does not match ${rule.match.bridge}`],
      [c.principal(call.principal ?? ""), `principal "${call.principal ?? ""}" does not match ${rule.match.principal}`],
      ...c.annotations.map(([hint, value]) => [(call.annotations?.[hint] === true) === value, `annotation ${hint} is not ${value}`] as const),
    ].find(([ok]) => !ok);
    if (miss) return { name: rule.name, result: "no match", why: miss[1] as string };
    const error = passedOver.get(rule);
    if (error !== undefined)
      return {
        name: rule.name,
        result: "no match",
        why: `its condition could not be evaluated (${error}); failing closed, the stricter decision after it applies`,
      };
    if (rule !== verdict.c?.rule) return { name: rule.name, result: "no match", why: `its condition is false: ${rule.when}` };
    isDecided = true;
    return { name: rule.name, result: "matched", why: verdict.note ?? (rule.when ? `its condition is true: ${rule.when}` : "its matchers all apply") };
  });
  return { decision, trace };
}
