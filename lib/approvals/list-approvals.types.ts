import { z } from "zod";
import { APPROVAL_STATUSES } from "../bridge-api/bridge-api.types";

/** Query of `GET /api/approvals`; `status` may repeat or be comma-separated. */
export const ZListApprovalsQuery = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(",").filter(Boolean))
      .pipe(z.array(z.enum(APPROVAL_STATUSES)))
      .optional(),
    server: z.string().max(200).optional(),
    tool: z.string().max(300).optional(),
    reviewer: z.string().max(254).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().max(100).optional(),
  })
  .strict();
