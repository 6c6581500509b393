import { z } from "zod";
import { parseJsonBody } from "@/lib/api/handle-api-error";
import { requireId } from "@/lib/api/search-params";
import { withAuth } from "@/lib/api/with-auth";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";
import { publicBaseUrl } from "@/lib/notifications/links";
import { createReviewLink } from "@/lib/review-links/review-links";

const ZBody = z.object({ ttlSeconds: z.number().int().min(30).max(900).optional() }).strict();

// POST /api/approvals/{id}/review-link: a signed, single-use link for the caller to decide this request on another device.
export const POST = withAuth<{ id: string }>(
  async (req, { params, user }) => {
    const { ttlSeconds } = await parseJsonBody(req, ZBody);
    const approvalId = requireId(params.id);
    const approval = await db.approvalRequest.findUnique({ where: { id: approvalId }, select: { argumentsHash: true } });
    if (!approval) throw new AppError("not_found", { message: "approval request not found" });
    const link = await createReviewLink({ approvalId, userId: user.id, argumentsHash: approval.argumentsHash, channel: "dashboard", ttlSeconds });
    return Response.json({ url: `${publicBaseUrl(new URL(req.url).origin)}${link.path}`, expiresAt: link.expiresAt.toISOString() }, { status: 201 });
  },
  { permission: "approvals:decide" },
);
