import { z } from "zod";

/** Body of `POST /api/approvals/{id}/decision`. */
export const ZDecideApprovalBody = z
  .object({
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(4000).optional(),
    /** Edited arguments (approve only): checked against the tool's inputSchema. */
    arguments: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((b) => !(b.decision === "reject" && b.arguments), {
    path: ["arguments"],
    message: "arguments can only be edited when approving",
  });
export type TDecideApprovalBody = z.infer<typeof ZDecideApprovalBody>;
