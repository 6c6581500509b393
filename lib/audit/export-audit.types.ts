import { z } from "zod";

/** Query of `GET /api/audit/export`. */
export const ZAuditExportQuery = z
  .object({
    format: z.enum(["csv", "json", "ndjson"]).default("json"),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
  })
  .strict()
  .refine((q) => !(q.from && q.to) || q.from <= q.to, { path: ["from"], message: "from must be before to" });
export type TAuditExportQuery = z.infer<typeof ZAuditExportQuery>;
