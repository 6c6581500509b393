import { z } from "zod";

const seq = z
  .string()
  .regex(/^\d{1,15}$/, "a chain position (seq) is a whole number")
  .transform(Number);

/** Query of `GET /api/audit/verify`: an optional range of positions, inclusive. */
export const ZVerifyQuery = z
  .object({ from: seq.optional(), to: seq.optional() })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { path: ["from"], message: "from must not be after to" });
