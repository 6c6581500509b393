import { createHash } from "node:crypto";
import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TGrantKeyRegistration } from "./grant.types";
import { forgetPublishedKeys } from "./list-grant-keys";

/** A key may be published for at most this long: a bridge rotates at most daily, and a key covers two periods and the last grant. */
const MAX_KEY_LIFETIME_MS = 3 * 24 * 3600_000;
/** Live keys a bridge may have at once: a leaked bridge token cannot flood the key set everyone fetches. */
const MAX_LIVE_KEYS_PER_BRIDGE = 50;
/** Keys past notAfter are deleted this long after (kept a day for investigations of recent grants). */
const KEEP_EXPIRED_MS = 24 * 3600_000;

export interface RegisterGrantKeyOptions {
  bridgeId: string;
  registration: TGrantKeyRegistration;
}

/**
 * Stores the public half of a bridge's new signing key, to be published as JWKS until
 * `notAfter`. The kid must be the key's thumbprint (so a kid names one key for good); the
 * same key registered again by its bridge is accepted as is, by another bridge refused.
 */
export async function registerGrantKey({ bridgeId, registration }: RegisterGrantKeyOptions) {
  const { jwk } = registration;
  const thumbprint = createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`).digest("base64url");
  if (thumbprint !== jwk.kid) throw new AppError("invalid_input", { message: "body.jwk.kid: must be the key's RFC 7638 thumbprint" });
  const now = Date.now();
  const notAfter = new Date(registration.notAfter);
  if (notAfter.getTime() <= now) throw new AppError("invalid_input", { message: "body.notAfter: must be in the future" });
  if (notAfter.getTime() > now + MAX_KEY_LIFETIME_MS) throw new AppError("invalid_input", { message: "body.notAfter: at most 3 days ahead" });

  const key = await db.$transaction(async (tx) => {
    await tx.grantKey.deleteMany({ where: { notAfter: { lt: new Date(now - KEEP_EXPIRED_MS) } } });
    const existing = await tx.grantKey.findUnique({ where: { kid: jwk.kid } });
    if (existing) {
      if (existing.bridgeId !== bridgeId) throw new AppError("conflict", { message: "this key is registered by another bridge" });
      return existing;
    }
    const live = await tx.grantKey.count({ where: { bridgeId, notAfter: { gt: new Date(now) } } });
    if (live >= MAX_LIVE_KEYS_PER_BRIDGE) {
      throw new AppError("conflict", { message: `this bridge already has ${live} live grant keys; wait for older ones to expire` });
    }
    const created = await tx.grantKey.create({ data: { kid: jwk.kid, bridgeId, publicJwk: JSON.stringify(jwk), notAfter } });
    await appendAudit(tx, [{ kind: "grant_key_registered", bridgeId, actorId: null, detail: { kid: jwk.kid, notAfter: notAfter.toISOString() } }]);
    return created;
  });
  forgetPublishedKeys();
  return { kid: key.kid, notAfter: key.notAfter.toISOString() };
}
