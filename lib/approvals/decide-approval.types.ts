import { z } from "zod";

/** Body of `POST /api/approvals/{id}/decision`. */
export const ZDecideApprovalBody = z
  .object({
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(4000).optional(),
    /** Edited arguments (approve only): checked against the tool's inputSchema; they become a new proposal. */
    arguments: z.record(z.string(), z.unknown()).optional(),
    /**
     * The canonical hash of the arguments the reviewer saw and decides on: the
     * proposal as created, or an edit another reviewer proposed. Without it an
     * approval is for the arguments as the agent proposed them.
     */
    argumentsHash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "argumentsHash is a lowercase hex SHA-256")
      .optional(),
  })
  .strict()
  .refine((b) => !(b.decision === "reject" && b.arguments), {
    path: ["arguments"],
    message: "arguments can only be edited when approving",
  });
export type TDecideApprovalBody = z.infer<typeof ZDecideApprovalBody>;
