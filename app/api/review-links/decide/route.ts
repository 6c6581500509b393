import type { NextRequest } from "next/server";
import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite, resolveUser } from "@/lib/api/with-auth";
import { can } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors/app-error";
import { STEP_UP_COOKIE, spendStepUp } from "@/lib/passkeys/link-step-up";
import { reviewLinkStepUp } from "@/lib/passkeys/step-up-policy";
import { decideWithReviewLink, LINK_PROBLEMS, ZUseReviewLink } from "@/lib/review-links/review-links";

// POST /api/review-links/decide: decide the request a signed, single-use link names, as the reviewer it was made for:
// signed in (session or personal token), or confirmed with their passkey on the link's page (the step-up cookie, spent here).
// With AIRLOCK_REVIEW_LINK_STEP_UP=passkey the passkey confirmation is required even when signed in.
export async function POST(req: NextRequest): Promise<Response> {
  try {
    const user = await resolveUser(req);
    const stepUpToken = req.cookies.get(STEP_UP_COOKIE)?.value;
    if (!user && !stepUpToken) throw new AppError("unauthorized", { message: "sign in, or confirm with your passkey on the link's page" });
    const body = await parseJsonBody(req, ZUseReviewLink);
    let reviewer = user;
    let steppedUp = false;
    if (stepUpToken) {
      assertSameOriginWrite(req);
      const confirmed = await spendStepUp(stepUpToken, body.token);
      if (confirmed) {
        if (user && user.id !== confirmed.id) throw new AppError("forbidden", { message: LINK_PROBLEMS.other_reviewer });
        reviewer = confirmed;
        steppedUp = true;
      }
    }
    if (!steppedUp) {
      if (!user) throw new AppError("unauthorized", { message: "sign in, or confirm with your passkey on the link's page" });
      if (reviewLinkStepUp() === "passkey")
        throw new AppError("forbidden", {
          message: "This dashboard requires a passkey confirmation for decisions through links: confirm with your passkey first.",
        });
    }
    if (!reviewer || !can(reviewer.role, "approvals:decide")) throw new AppError("forbidden", { message: `the ${reviewer?.role} role may not do this` });
    const answer = Response.json(await decideWithReviewLink(reviewer, body, steppedUp ? "passkey" : undefined));
    if (stepUpToken) answer.headers.append("set-cookie", `${STEP_UP_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`);
    return answer;
  } catch (error) {
    return handleApiError(error);
  }
}
