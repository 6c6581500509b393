import { z } from "zod";

export const RULE_ACTIONS = ["allow", "deny", "require_approval"] as const;

/** A glob over names: `*` any run of characters, `?` one character. */
export const ZGlob = z
  .string()
  .min(1, "a glob cannot be empty")
  .max(200)
  .regex(/^[\w.*?:\-/@]+$/, "a glob may hold letters, digits and _ . - / : @ * ? only");

/** A rule as `POST /api/rules` takes it and as the policy file lists it (DESIGN.md). */
export const ZRule = z
  .object({
    name: z.string().trim().min(1).max(120),
    match: z.object({ server: ZGlob.default("*"), tool: ZGlob.default("*") }).strict(),
    when: z.string().trim().min(1).max(2000).optional(),
    action: z.enum(RULE_ACTIONS),
    approvers: z.number().int().min(1).max(5).default(1),
    timeoutSeconds: z.number().int().min(1, "timeoutSeconds must be at least 1").max(7 * 24 * 3600).default(600),
    message: z.string().max(1000).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  // CEL conditions arrive with the rule engine; a rule that carries one is
  // refused rather than enforced without its condition.
  .refine((rule) => rule.when === undefined, {
    path: ["when"],
    message: "`when` (CEL) conditions are not supported by this version yet",
  });
export type TRule = z.infer<typeof ZRule>;
export type TRuleInput = z.input<typeof ZRule>;

export const ZPolicy = z
  .object({
    version: z.string().max(100).optional(),
    default: z.enum(RULE_ACTIONS),
    defaultTimeoutSeconds: z.number().int().min(1).max(7 * 24 * 3600).default(600),
    rules: z.array(ZRule).max(10_000),
  })
  .strict();
export type TPolicy = z.infer<typeof ZPolicy>;
export type TPolicyInput = z.input<typeof ZPolicy>;

/** What the policy is asked about one call. */
export interface PolicyCall {
  server: string;
  /** The tool's name as the client sees it (namespaced when the bridge aggregates). */
  tool: string;
  args: Record<string, unknown>;
}

export interface PolicyDecision {
  action: TRule["action"];
  /** The rule that decided, or null when the policy default did. */
  rule: TRule | null;
  /** Human-readable: which rule (or the default) decided and how. */
  reason: string;
  timeoutSeconds: number;
  approvers: number;
  message?: string;
}
