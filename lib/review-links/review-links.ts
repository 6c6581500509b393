import { createHash, createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { decideApproval } from "../approvals/decide-approval";
import { db } from "../db/prisma";
import { placeholders } from "../db/raw-sql";
import { AppError } from "../errors/app-error";
import { ensureAuthSecret } from "../server/auth-secret";
import type { AuthenticatedUser } from "../users/personal-tokens";

/**
 * Signed, single-use, short-lived links that let one reviewer decide one
 * request from a phone. A link is `/r/<payload>.<signature>`: the payload names
 * the request, the reviewer, the argument hash they will approve, an expiry
 * and a nonce; the signature is an HMAC-SHA256 under a key derived from the
 * server secret. The database keeps only a SHA-256 of the nonce and marks it
 * used the first time it decides, so a link works once, for its reviewer only
 * (a forwarded link is refused to anyone else), until it expires, and only
 * while the request is pending with the same arguments.
 */

/** Links live this long at most, and never past the request's deadline. */
export const REVIEW_LINK_TTL_SECONDS = 15 * 60;

const ZPayload = z
  .object({
    v: z.literal(1),
    a: z.string().min(1).max(100),
    u: z.string().min(1).max(100),
    h: z.string().regex(/^[0-9a-f]{64}$/),
    e: z.number().int(),
    n: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/),
  })
  .strict();
type Payload = z.infer<typeof ZPayload>;

let linkKey: Buffer | null = null;
function key(): Buffer {
  linkKey ??= Buffer.from(hkdfSync("sha256", ensureAuthSecret(), "airlock", "review-links/v1", 32));
  return linkKey;
}

const sign = (payload: string) => createHmac("sha256", key()).update(payload).digest("base64url");
const nonceHash = (nonce: string) => createHash("sha256").update(nonce).digest("hex");

export interface ReviewLinkInput {
  approvalId: string;
  userId: string;
  argumentsHash: string;
  channel: "email" | "push" | "dashboard" | "webhook";
  ttlSeconds?: number;
}

/** Issues a link for one reviewer and one request; returns its path (`/r/…`) and expiry. */
export async function createReviewLink(input: ReviewLinkInput): Promise<{ path: string; expiresAt: Date }> {
  // Raw read and write: every push and email alert makes a link, on the event loop decisions share (decision-queries.ts says why).
  const [approval] = await db.$queryRawUnsafe<{ status: string; expiresAt: Date }[]>(
    placeholders(`SELECT "status", "expiresAt" FROM "ApprovalRequest" WHERE "id" = $1`),
    input.approvalId,
  );
  if (approval?.status !== "pending") throw new AppError("conflict", { message: "links are only made for pending requests" });
  const ttl = Math.min(input.ttlSeconds ?? REVIEW_LINK_TTL_SECONDS, REVIEW_LINK_TTL_SECONDS);
  const expiresAt = new Date(Math.min(Date.now() + ttl * 1000, approval.expiresAt.getTime()));
  const nonce = randomBytes(32).toString("base64url");
  const payload: Payload = { v: 1, a: input.approvalId, u: input.userId, h: input.argumentsHash, e: Math.floor(expiresAt.getTime() / 1000), n: nonce };
  await db.$executeRawUnsafe(
    placeholders(
      `INSERT INTO "ReviewLink" ("id", "nonceHash", "approvalId", "userId", "argumentsHash", "channel", "createdAt", "expiresAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    ),
    randomUUID(),
    nonceHash(nonce),
    input.approvalId,
    input.userId,
    input.argumentsHash,
    input.channel,
    new Date(),
    expiresAt,
  );
  const encoded = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return { path: `/r/${encoded}.${sign(encoded)}`, expiresAt };
}

/** Why a link does nothing; each is said plainly to the person holding it. */
export type LinkProblem = "malformed" | "bad_signature" | "expired" | "unknown" | "used" | "other_reviewer" | "not_pending" | "arguments_changed";

export const LINK_PROBLEMS: Record<LinkProblem, string> = {
  malformed: "This link is not a valid Airlock review link.",
  bad_signature: "This link's signature does not verify: it was altered or made by someone else.",
  expired: "This link has expired. Open the request from the dashboard instead.",
  unknown: "This link is not known to this dashboard.",
  used: "This link was already used. Each link decides once.",
  other_reviewer: "This link was made for another reviewer. Links cannot be forwarded.",
  not_pending: "This request has already been decided or has expired.",
  arguments_changed: "The request's arguments are no longer the ones this link was made for.",
};

export type LinkCheck = { ok: true; payload: Payload; linkId: string } | { ok: false; problem: LinkProblem };

/** The payload of a link whose signature verifies (nothing else is checked), or why not. */
function signedPayload(token: string): { ok: true; payload: Payload } | { ok: false; problem: "malformed" | "bad_signature" } {
  const [encoded, signature, extra] = token.split(".");
  if (!encoded || !signature || extra !== undefined || encoded.length > 2000) return { ok: false, problem: "malformed" };
  const expected = Buffer.from(sign(encoded));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, problem: "bad_signature" };
  let parsed: ReturnType<typeof ZPayload.safeParse>;
  try {
    parsed = ZPayload.safeParse(JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")));
  } catch {
    return { ok: false, problem: "malformed" };
  }
  if (!parsed.success) return { ok: false, problem: "malformed" };
  return { ok: true, payload: parsed.data };
}

/**
 * The reviewer a link was made for, if its signature verifies (a passkey then confirms
 * it is them holding it: lib/passkeys/link-step-up.ts), or why the link is no link.
 */
export function reviewerOfLink(token: string): { ok: true; userId: string } | { ok: false; problem: "malformed" | "bad_signature" } {
  const signed = signedPayload(token);
  return signed.ok ? { ok: true, userId: signed.payload.u } : signed;
}

/** Checks a link for the signed-in user: signature, expiry, single use, reviewer, request state. Changes nothing. */
export async function checkReviewLink(token: string, user: Pick<AuthenticatedUser, "id">): Promise<LinkCheck> {
  const signed = signedPayload(token);
  if (!signed.ok) return signed;
  const { payload } = signed;
  if (payload.e * 1000 <= Date.now()) return { ok: false, problem: "expired" };
  const link = await db.reviewLink.findUnique({ where: { nonceHash: nonceHash(payload.n) } });
  if (!link || link.approvalId !== payload.a || link.userId !== payload.u || link.argumentsHash !== payload.h) return { ok: false, problem: "unknown" };
  if (link.usedAt) return { ok: false, problem: "used" };
  if (link.expiresAt.getTime() <= Date.now()) return { ok: false, problem: "expired" };
  if (payload.u !== user.id) return { ok: false, problem: "other_reviewer" };
  const approval = await db.approvalRequest.findUnique({ where: { id: payload.a }, select: { status: true, argumentsHash: true } });
  if (approval?.status !== "pending") return { ok: false, problem: "not_pending" };
  if (approval.argumentsHash !== payload.h) return { ok: false, problem: "arguments_changed" };
  return { ok: true, payload, linkId: link.id };
}

/** A link problem as the API's error: 409 when the request or link moved on, 403 otherwise. */
export function linkProblemError(problem: LinkProblem): AppError {
  return new AppError(problem === "not_pending" || problem === "used" ? "conflict" : "forbidden", { message: LINK_PROBLEMS[problem] });
}

export const ZUseReviewLink = z
  .object({
    token: z.string().min(1).max(3000),
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(4000).optional(),
  })
  .strict();

/**
 * Decides through a link: checks it, spends it (a conditional update: of two
 * concurrent uses one wins), then records the decision exactly as the
 * dashboard would (self-approval, role and quorum are checked there). A link
 * spent on a decision the server then refuses stays spent: fail closed.
 */
export async function decideWithReviewLink(user: AuthenticatedUser, body: z.infer<typeof ZUseReviewLink>, stepUp?: "passkey") {
  const check = await checkReviewLink(body.token, user);
  if (!check.ok) throw linkProblemError(check.problem);
  const spent = await db.reviewLink.updateMany({ where: { id: check.linkId, usedAt: null }, data: { usedAt: new Date() } });
  if (spent.count !== 1) throw new AppError("conflict", { message: LINK_PROBLEMS.used });
  return decideApproval({
    approvalId: check.payload.a,
    reviewer: user,
    body: { decision: body.decision, argumentsHash: check.payload.h, ...(body.comment ? { comment: body.comment } : {}) },
    via: { via: "review-link", ...(stepUp ? { stepUp } : {}) },
  });
}
