import { parseJsonBody } from "@/lib/api/handle-api-error";
import { withAuth } from "@/lib/api/with-auth";
import { decideWithReviewLink, ZUseReviewLink } from "@/lib/review-links/review-links";

// POST /api/review-links/decide: decide the request a signed, single-use link names, as the reviewer it was made for.
export const POST = withAuth(
  async (req, { user }) => {
    const body = await parseJsonBody(req, ZUseReviewLink);
    return Response.json(await decideWithReviewLink(user, body));
  },
  { permission: "approvals:decide" },
);
