import { z } from "zod";
import { AppError } from "../errors/app-error";
import { checkReviewLink, LINK_PROBLEMS, linkProblemError, reviewerOfLink } from "../review-links/review-links";
import type { AuthenticatedUser } from "../users/personal-tokens";
import { dbChallengeStore } from "./challenge-store";
import { CHALLENGE_TTL_SECONDS, peekChallenge, takeChallenge } from "./challenges";
import { activeReviewer, authenticationOptions, issueStepUp, verifyAssertion, ZAuthenticationResponse } from "./passkeys";
import type { RelyingParty } from "./relying-party";

/**
 * A passkey confirms who holds a review link, instead of (or, with
 * AIRLOCK_REVIEW_LINK_STEP_UP=passkey, on top of) a password sign-in. The assertion is
 * restricted to the link's reviewer's credentials; a verified one earns a step-up token
 * (single-use, 5 minutes, bound to the reviewer and the link) that travels in an
 * HttpOnly, SameSite=Strict cookie: the link's page then shows the request, and the
 * decision spends the token with the link.
 */

export const STEP_UP_COOKIE = "airlock-link-step-up";

export const ZLinkToken = z.object({ token: z.string().min(1).max(3000) }).strict();
export const ZLinkAssertion = z.object({ token: z.string().min(1).max(3000), response: ZAuthenticationResponse }).strict();

/** The link's reviewer and its id, if the link would decide now; else the link's problem as an error. */
async function linkAndReviewer(token: string): Promise<{ reviewer: AuthenticatedUser; linkId: string }> {
  const signed = reviewerOfLink(token);
  if (!signed.ok) throw new AppError("forbidden", { message: LINK_PROBLEMS[signed.problem] });
  const check = await checkReviewLink(token, { id: signed.userId });
  if (!check.ok) throw linkProblemError(check.problem);
  const reviewer = await activeReviewer(signed.userId);
  if (!reviewer) throw new AppError("forbidden", { message: "The reviewer this link was made for may no longer decide." });
  return { reviewer, linkId: check.linkId };
}

/** Options for the assertion: only the link's reviewer's passkeys are allowed. */
export async function linkAssertionOptions(token: string, rp: RelyingParty) {
  const { reviewer, linkId } = await linkAndReviewer(token);
  return authenticationOptions(reviewer.id, linkId, rp);
}

/** Verifies the assertion for the link's reviewer and returns a fresh step-up token. */
export async function verifyLinkAssertion(body: z.infer<typeof ZLinkAssertion>, rp: RelyingParty): Promise<{ stepUpToken: string; maxAgeSeconds: number }> {
  const { reviewer, linkId } = await linkAndReviewer(body.token);
  await verifyAssertion(reviewer.id, linkId, rp, body.response);
  return { stepUpToken: await issueStepUp(reviewer.id, linkId), maxAgeSeconds: CHALLENGE_TTL_SECONDS };
}

/** For the link's page: whether this step-up token (unspent) confirms this reviewer for this link. Changes nothing. */
export function isSteppedUp(stepUpToken: string | undefined, reviewerId: string, linkId: string): Promise<boolean> {
  return stepUpToken ? peekChallenge(dbChallengeStore, stepUpToken, { purpose: "step_up", userId: reviewerId, reviewLinkId: linkId }) : Promise.resolve(false);
}

/**
 * For the decision: spends the step-up token and returns the reviewer it confirmed for
 * this link, or null when the token is unknown, spent, expired or for another link.
 * A link that would not decide is its problem's error.
 */
export async function spendStepUp(stepUpToken: string, token: string): Promise<AuthenticatedUser | null> {
  const { reviewer, linkId } = await linkAndReviewer(token);
  const ok = await takeChallenge(dbChallengeStore, stepUpToken, { purpose: "step_up", userId: reviewer.id, reviewLinkId: linkId });
  return ok ? reviewer : null;
}
