import { z } from "zod";

/** What an export's `outcome` filter may name: a call's fate at the bridge or a request's at its reviewers. */
export const EXPORT_OUTCOMES = ["allowed", "denied", "held", "approved", "rejected", "expired", "executed", "failed", "withdrawn"] as const;

const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()))
    .pipe(z.array(item).min(1).max(50));

/** Query of `GET /api/audit/export`: every filter is optional; unknown ones are refused (422 naming the field). */
export const ZAuditExportQuery = z
  .object({
    format: z.enum(["csv", "json", "ndjson"]).default("json"),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    server: list(z.string().min(1).max(200)).optional(),
    tool: list(z.string().min(1).max(300)).optional(),
    kind: list(z.string().regex(/^[a-z_]{1,40}$/, "an event kind is lower-case letters and _")).optional(),
    outcome: list(z.enum(EXPORT_OUTCOMES)).optional(),
    /** The email of the user who decided (reviewers' own exports are always theirs). */
    reviewer: z.string().email().max(320).optional(),
    /** Resume after this chain position: the `seq` of the last event received. */
    cursor: z
      .string()
      .regex(/^\d{1,15}$/, "a cursor is the seq of the last event received")
      .transform(Number)
      .optional(),
    limit: z.coerce.number().int().min(1).max(10_000_000).optional(),
  })
  .strict()
  .refine((q) => !(q.from && q.to) || q.from <= q.to, { path: ["from"], message: "from must be before to" });
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;
