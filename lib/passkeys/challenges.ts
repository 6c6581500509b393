import { createHash, randomBytes } from "node:crypto";

/**
 * Single-use, short-lived secrets of the passkey ceremonies: the WebAuthn challenges
 * (registration, authentication) and the step-up token a verified assertion on a review
 * link earns. Only a SHA-256 is stored; each is bound to its user (and, for a link, to the
 * link) and is spent by deleting its row: of two concurrent uses one wins. Expired rows
 * are refused, then pruned.
 */

/** Challenges and step-up tokens live this long at most. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;

export type TChallengePurpose = "registration" | "authentication" | "step_up";

export interface ChallengeRow {
  id: string;
  purpose: string;
  hash: string;
  userId: string;
  reviewLinkId: string | null;
  expiresAt: Date;
}

export interface ChallengeBinding {
  purpose: TChallengePurpose;
  userId: string;
  reviewLinkId?: string | null;
}

/** Where the rows live: the database in the dashboard (lib/passkeys/challenge-store.ts). */
export interface ChallengeStore {
  insert(row: Omit<ChallengeRow, "id">): Promise<void>;
  findByHash(hash: string): Promise<ChallengeRow | null>;
  /** Deletes the row if it is still there; true for the one caller that deleted it. */
  take(id: string): Promise<boolean>;
  pruneExpired(now: Date): Promise<void>;
}

export const secretHash = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");

/** A fresh secret (32 random bytes, base64url): a WebAuthn challenge or a step-up token. */
export const newSecret = () => randomBytes(32).toString("base64url");

/** Whether a stored row answers this use: same purpose, user and link, and not expired. */
export function challengeMatches(row: ChallengeRow, want: ChallengeBinding, now: Date): boolean {
  return (
    row.purpose === want.purpose &&
    row.userId === want.userId &&
    (row.reviewLinkId ?? null) === (want.reviewLinkId ?? null) &&
    row.expiresAt.getTime() > now.getTime()
  );
}

/** Stores a secret for one use; returns its expiry. */
export async function storeChallenge(store: ChallengeStore, secret: string, binding: ChallengeBinding, now = new Date()): Promise<Date> {
  await store.pruneExpired(now);
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000);
  await store.insert({ purpose: binding.purpose, hash: secretHash(secret), userId: binding.userId, reviewLinkId: binding.reviewLinkId ?? null, expiresAt });
  return expiresAt;
}

/**
 * Spends a secret: true only if it was stored for this binding, has not expired and was
 * not spent before. A secret presented for the wrong binding is spent all the same (fail closed).
 */
export async function takeChallenge(store: ChallengeStore, secret: string, binding: ChallengeBinding, now = new Date()): Promise<boolean> {
  if (!secret || secret.length > 200) return false;
  const row = await store.findByHash(secretHash(secret));
  if (!row) return false;
  if (!(await store.take(row.id))) return false;
  return challengeMatches(row, binding, now);
}

/** Checks a secret without spending it (a page that shows what a step-up token unlocks). */
export async function peekChallenge(store: ChallengeStore, secret: string, binding: ChallengeBinding, now = new Date()): Promise<boolean> {
  if (!secret || secret.length > 200) return false;
  const row = await store.findByHash(secretHash(secret));
  return row ? challengeMatches(row, binding, now) : false;
}
