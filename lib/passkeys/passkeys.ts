import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { z } from "zod";
import { appendAudit } from "../audit/chain";
import { can, type TRole } from "../auth/roles";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { AuthenticatedUser } from "../users/personal-tokens";
import { dbChallengeStore } from "./challenge-store";
import { newSecret, storeChallenge, takeChallenge } from "./challenges";
import type { RelyingParty } from "./relying-party";

/**
 * Reviewers' passkeys (WebAuthn credentials): registered while signed in, used to confirm
 * who holds a review link (lib/passkeys/link-step-up.ts). Only public keys are stored;
 * every ceremony's challenge is single-use, bound to its user and lives 5 minutes; user
 * verification (PIN, biometrics) is required.
 */

const TRANSPORTS = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;
const b64url = z
  .string()
  .max(20_000)
  .regex(/^[A-Za-z0-9_-]*={0,2}$/);

export const ZPasskeyName = z.string().trim().min(1, "give the passkey a name").max(100);

const ZRegistrationResponse = z.object({
  id: b64url.min(1).max(1400),
  rawId: b64url.min(1).max(1400),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url,
    attestationObject: b64url,
    transports: z.array(z.string().max(40)).max(10).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

export const ZAuthenticationResponse = z.object({
  id: b64url.min(1).max(1400),
  rawId: b64url.min(1).max(1400),
  type: z.literal("public-key"),
  response: z.looseObject({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

export const ZAddPasskey = z.object({ name: ZPasskeyName, response: ZRegistrationResponse }).strict();

const knownTransports = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((t): t is string => (TRANSPORTS as readonly string[]).includes(t as string)) : [];

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** The user's passkeys, newest first (no key material). */
export async function listPasskeys(userId: string): Promise<PasskeyView[]> {
  const rows = await db.passkey.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true },
  });
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt.toISOString(), lastUsedAt: r.lastUsedAt?.toISOString() ?? null }));
}

/** Step 1 of adding a passkey: the options for navigator.credentials.create, with a fresh single-use challenge. */
export async function registrationOptions(user: AuthenticatedUser, rp: RelyingParty) {
  const existing = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } });
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.email,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "required" },
    timeout: 120_000,
  });
  await storeChallenge(dbChallengeStore, options.challenge, { purpose: "registration", userId: user.id });
  return options;
}

/** Step 2: verifies the authenticator's answer (challenge spent, origin, RP ID, user verification) and stores the credential. Audited. */
export async function addPasskey(user: AuthenticatedUser, rp: RelyingParty, body: z.infer<typeof ZAddPasskey>): Promise<PasskeyView> {
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response: body.response as RegistrationResponseJSON,
      expectedChallenge: (challenge) => takeChallenge(dbChallengeStore, challenge, { purpose: "registration", userId: user.id }),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
  } catch (error) {
    throw new AppError("forbidden", { message: `the passkey could not be verified: ${(error as Error).message}` });
  }
  if (!verification.verified) throw new AppError("forbidden", { message: "the passkey could not be verified" });
  const { credential } = verification.registrationInfo;
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.passkey.create({
        data: {
          userId: user.id,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey),
          counter: BigInt(credential.counter),
          transports: knownTransports(body.response.response.transports ?? credential.transports),
          name: body.name,
        },
      });
      await appendAudit(tx, [{ kind: "passkey_added", actorId: user.id, detail: { user: user.email, passkey: created.name, passkeyId: created.id } }]);
      return created;
    });
    return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString(), lastUsedAt: null };
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", { message: "this passkey is already registered" });
    throw error;
  }
}

/** Deletes one of the user's own passkeys. Audited. */
export async function removePasskey(user: AuthenticatedUser, id: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.passkey.findFirst({ where: { id, userId: user.id }, select: { id: true, name: true } });
    if (!row) throw new AppError("not_found", { message: "passkey not found" });
    await tx.passkey.delete({ where: { id: row.id } });
    await appendAudit(tx, [{ kind: "passkey_removed", actorId: user.id, detail: { user: user.email, passkey: row.name, passkeyId: row.id } }]);
  });
}

/** The user a passkey ceremony may act as: active, and allowed to decide. */
export async function activeReviewer(userId: string): Promise<AuthenticatedUser | null> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true, role: true, disabledAt: true } });
  if (!user || user.disabledAt || !can(user.role as TRole, "approvals:decide")) return null;
  return { id: user.id, email: user.email, role: user.role as TRole };
}

/** Options for navigator.credentials.get restricted to this user's passkeys, with a challenge bound to the user and the link. */
export async function authenticationOptions(userId: string, reviewLinkId: string, rp: RelyingParty) {
  const passkeys = await db.passkey.findMany({ where: { userId }, select: { credentialId: true, transports: true } });
  if (!passkeys.length) throw new AppError("conflict", { message: NO_PASSKEY_MESSAGE });
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: knownTransports(p.transports) })),
    userVerification: "required",
    timeout: 120_000,
  });
  await storeChallenge(dbChallengeStore, options.challenge, { purpose: "authentication", userId, reviewLinkId });
  return options;
}

export const NO_PASSKEY_MESSAGE =
  "You have no passkey yet. Sign in with your password on a device you trust, open Settings → Passkeys and add one; then open this link again.";

/**
 * Verifies an assertion for this user and link: the credential must be theirs, the
 * challenge theirs and unspent, the origin and RP ID ours, the user verified. Updates the
 * counter and last use. Throws 403 otherwise.
 */
export async function verifyAssertion(userId: string, reviewLinkId: string, rp: RelyingParty, response: z.infer<typeof ZAuthenticationResponse>) {
  const passkey = await db.passkey.findUnique({ where: { credentialId: response.id } });
  if (!passkey || passkey.userId !== userId)
    throw new AppError("forbidden", { message: "This passkey does not belong to the reviewer this link was made for." });
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: (challenge) => takeChallenge(dbChallengeStore, challenge, { purpose: "authentication", userId, reviewLinkId }),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: knownTransports(passkey.transports) as never,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    throw new AppError("forbidden", { message: `the passkey could not be verified: ${(error as Error).message}` });
  }
  if (!verification.verified) throw new AppError("forbidden", { message: "the passkey could not be verified" });
  await db.passkey.update({
    where: { id: passkey.id },
    data: { counter: BigInt(verification.authenticationInfo.newCounter), lastUsedAt: new Date() },
  });
}

/** Whether a user has at least one passkey. */
export async function hasPasskey(userId: string): Promise<boolean> {
  return (await db.passkey.count({ where: { userId } })) > 0;
}

/** A fresh step-up token for this user and link (single-use, 5 minutes); only its hash is stored. */
export async function issueStepUp(userId: string, reviewLinkId: string): Promise<string> {
  const token = newSecret();
  await storeChallenge(dbChallengeStore, token, { purpose: "step_up", userId, reviewLinkId });
  return token;
}
