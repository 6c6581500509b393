import { z } from "zod";
import { celErrorMessage, compileCel } from "./cel";
import { ZArgumentPath } from "./redact";

/** What a rule on a call (and the policy default) does with it. */
export const RULE_ACTIONS = ["allow", "deny", "require_approval"] as const;
/**
 * What a rule on a result (`on: result`) does with it before the model sees it: pass it,
 * flag it (audit and reviewers only), hold it for a reviewer, redact what the detectors
 * found, or block it.
 */
export const RESULT_ACTIONS = ["pass", "flag", "hold_result", "redact", "block"] as const;
export const RULE_STAGES = ["call", "result"] as const;

/** A glob over names: `*` any run of characters, `?` one character. */
export const ZGlob = z
  .string()
  .min(1, "a glob cannot be empty")
  .max(200)
  .regex(/^[\w.*?:\-/@]+$/, "a glob may hold letters, digits and _ . - / : @ * ? only");

/** Tool annotations to match; each one set must equal the tool's (absent hints count as false). */
export const ZAnnotationMatch = z
  .object({
    readOnlyHint: z.boolean().optional(),
    destructiveHint: z.boolean().optional(),
    idempotentHint: z.boolean().optional(),
    openWorldHint: z.boolean().optional(),
  })
  .strict();
export type TAnnotationMatch = z.infer<typeof ZAnnotationMatch>;

/** A CEL condition, compiled and type-checked when the rule is validated. */
const ZCel = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .superRefine((expression, ctx) => {
    try {
      compileCel(expression);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `invalid CEL expression: ${celErrorMessage(error)}` });
    }
  });

/** A rule as `POST /api/rules` takes it and as the policy file lists it (DESIGN.md). */
/** A rule's stable id: kept across versions, renames and rollbacks; what an edited call's re-check compares. */
export const ZRuleId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a rule id holds 1 to 64 letters, digits, _ or -");

/** An approver group's name: lower case letters, digits, `.`, `_`, `-`. */
export const ZGroupName = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "a group name: lower case letters, digits, . _ - (at most 63), starting with a letter or digit");

/**
 * Who an unanswered request is escalated to: a role, named users (emails), or an approver
 * group (`{group: name}`: its members). Escalation alerts; it does not change who may decide.
 */
export const ZEscalateTo = z.union([
  z.enum(["reviewer", "admin"]),
  z.array(z.string().trim().min(3).max(300)).min(1).max(20),
  z.object({ group: ZGroupName }).strict(),
]);
export type TEscalateTo = z.infer<typeof ZEscalateTo>;

export const ZRule = z
  .object({
    /** Assigned by the dashboard when absent; a policy file may carry it to keep a rule's identity through a rename. */
    id: ZRuleId.optional(),
    name: z.string().trim().min(1).max(120),
    match: z
      .object({
        server: ZGlob.default("*"),
        tool: ZGlob.default("*"),
        bridge: ZGlob.default("*"),
        principal: ZGlob.default("*"),
        annotations: ZAnnotationMatch.optional(),
      })
      .strict(),
    when: ZCel.optional(),
    /** `result` rules run after the upstream answered, on what it answered; absent means `call`. */
    on: z.enum(RULE_STAGES).optional(),
    action: z.enum([...RULE_ACTIONS, ...RESULT_ACTIONS]),
    approvers: z.number().int().min(1).max(5).default(1),
    /** Who may approve: reviewers (and admins), or admins only. */
    approverRole: z.enum(["reviewer", "admin"]).default("reviewer"),
    /** Only members of this approver group may decide (with approverRole, both apply). */
    approverGroup: ZGroupName.optional(),
    timeoutSeconds: z
      .number()
      .int()
      .min(1, "timeoutSeconds must be at least 1")
      .max(7 * 24 * 3600)
      .default(600),
    /** What a hold that no one decided in time becomes: rejected (the default) or allowed. */
    onTimeout: z.enum(["reject", "allow"]).default("reject"),
    /** A hold still undecided after this many seconds is escalated: shown as such and re-notified to `escalateTo`. */
    escalateAfterSeconds: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 3600)
      .optional(),
    /** Who is alerted on escalation (default: admins). Escalation alerts more people; it does not change who may decide. */
    escalateTo: ZEscalateTo.optional(),
    /** Argument paths masked in what the dashboard and the audit trail store (the upstream gets the real values). */
    redact: z.array(ZArgumentPath).max(50).optional(),
    message: z.string().max(1000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.approverGroup !== undefined && rule.action !== "require_approval" && rule.action !== "hold_result")
      ctx.addIssue({ code: "custom", path: ["approverGroup"], message: "only a rule that holds (require_approval, hold_result) has approvers" });
    if (rule.escalateTo !== undefined && rule.escalateAfterSeconds === undefined)
      ctx.addIssue({ code: "custom", path: ["escalateTo"], message: "escalateTo needs escalateAfterSeconds (when to escalate)" });
    if (rule.escalateAfterSeconds !== undefined) {
      if (rule.action !== "require_approval" && rule.action !== "hold_result")
        ctx.addIssue({ code: "custom", path: ["escalateAfterSeconds"], message: "only a rule that holds (require_approval, hold_result) can escalate" });
      else if (rule.escalateAfterSeconds >= rule.timeoutSeconds)
        ctx.addIssue({
          code: "custom",
          path: ["escalateAfterSeconds"],
          message: `escalateAfterSeconds (${rule.escalateAfterSeconds}) must be less than timeoutSeconds (${rule.timeoutSeconds}): the request would expire first`,
        });
    }
    const isResult = rule.on === "result";
    const allowed: readonly string[] = isResult ? RESULT_ACTIONS : RULE_ACTIONS;
    if (!allowed.includes(rule.action))
      ctx.addIssue({
        code: "custom",
        path: ["action"],
        message: isResult
          ? `a rule on results (on: result) takes ${RESULT_ACTIONS.join(", ")}, not ${rule.action}`
          : `a rule on calls takes ${RULE_ACTIONS.join(", ")}; ${rule.action} is for rules on results (on: result)`,
      });
  });
export type TRule = z.infer<typeof ZRule>;
export type TRuleInput = z.input<typeof ZRule>;

export const ZPolicy = z
  .object({
    version: z.string().max(100).optional(),
    default: z.enum(RULE_ACTIONS),
    defaultTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(600),
    rules: z.array(ZRule).max(10_000),
  })
  .strict()
  .superRefine((policy, ctx) => {
    // Rules are named and re-checked by identity: two rules under one name (or id) would let an
    // edited call be matched to the wrong one. Names compare case- and width-insensitively.
    const names = new Map<string, number>();
    const ids = new Map<string, number>();
    policy.rules.forEach((rule, i) => {
      const name = rule.name.normalize("NFKC").toLowerCase();
      const first = names.get(name);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "name"],
          message: `rule name "${rule.name}" is already used by rule ${first + 1}; names must be unique`,
        });
      else names.set(name, i);
      if (!rule.id) return;
      const firstId = ids.get(rule.id);
      if (firstId !== undefined)
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `rule id "${rule.id}" is already used by rule ${firstId + 1}; ids must be unique` });
      else ids.set(rule.id, i);
    });
  });
export type TPolicy = z.infer<typeof ZPolicy>;
export type TPolicyInput = z.input<typeof ZPolicy>;

/** What the policy is asked about one call. */
export interface PolicyCall {
  server: string;
  /** The tool's name as the client sees it (namespaced when the bridge aggregates). */
  tool: string;
  args: Record<string, unknown>;
  /** The tool's annotations as the server declared them: untrusted hints. */
  annotations?: Record<string, unknown>;
  /** The bridge's name; "" when unknown (a local policy file). */
  bridge?: string;
  /** The human principal the agent acts for; "" when unknown. */
  principal?: string;
  session?: { id: string; client?: string; private?: boolean; untrusted?: boolean; tainted?: boolean };
  /** What the detectors found in this call's arguments (and, for rules on results, in its result). */
  signals?: TSignals;
  /** How the tool moves data: it reads private data, brings untrusted content, sends data out. */
  role?: { private: boolean; untrusted: boolean; sink: boolean };
}

/** The detectors' findings as a rule's `when` reads them: `signals.args.secret`, `signals.result.injection`. */
export interface TSignals {
  args: TSignalSet;
  result: TSignalSet;
}
/** Each signal is true when a finding of its kind is at medium or above; `severity` holds each kind's highest severity. */
export type TSignalSet = Record<(typeof SIGNAL_NAMES)[number] | "any", boolean> & {
  severity: Record<(typeof SIGNAL_NAMES)[number] | "any", "none" | "low" | "medium" | "high">;
};
export const SIGNAL_NAMES = ["injection", "secret", "pii", "sensitive_path", "hidden_text", "encoded_payload"] as const;

export interface PolicyDecision {
  action: (typeof RULE_ACTIONS)[number];
  /** The rule that decided, or null when the policy default did. */
  rule: TRule | null;
  /** Human-readable: which rule (or the default) decided and how. */
  reason: string;
  timeoutSeconds: number;
  approvers: number;
  approverRole: "reviewer" | "admin";
  /** Only this group's members may decide. */
  approverGroup?: string;
  onTimeout: "reject" | "allow";
  redact?: readonly string[];
  message?: string;
}
