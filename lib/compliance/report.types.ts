import { z } from "zod";

const MAX_DAYS = 366;

/** The Compliance page's charts, each downloadable as CSV. */
export const CHARTS = [
  "outcomesByDay",
  "decisionTimeByDay",
  "rejectionsByTool",
  "rejectionsByRule",
  "reviewerWorkload",
  "topHeldTools",
  "quarantinesByDay",
] as const;
export type TChart = (typeof CHARTS)[number];
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a day is YYYY-MM-DD")
  .pipe(z.coerce.date());

/** The Compliance page's range (`from`, `to`: whole UTC days), and for downloads which chart and format. */
export const ZComplianceQuery = z
  .object({
    from: day.optional(),
    to: day.optional(),
    chart: z.enum(CHARTS).optional(),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict()
  .transform((q) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 29 * 86_400_000);
    return { ...q, from, to };
  })
  .refine((q) => q.from <= q.to, { path: ["from"], message: "from must not be after to" })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_DAYS * 86_400_000, { path: ["to"], message: `a range is at most ${MAX_DAYS} days` });
export type TComplianceQuery = z.infer<typeof ZComplianceQuery>;
