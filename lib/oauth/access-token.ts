import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { oauthIssuer } from "./server-metadata";
import { oauthSigningKey } from "./signing-key";

/**
 * How long an access token lives. Bridges verify tokens on their own (no call back to the
 * dashboard per request), so this is also how long a disabled user's or a revoked grant's
 * last access token keeps working: the revocation window.
 */
export const ACCESS_TOKEN_SECONDS = 10 * 60;

/** RFC 9068 §2.1: a JWT access token says so in its header; bridges refuse any other `typ`. */
export const ACCESS_TOKEN_TYPE = "at+jwt";

export interface AccessTokenClaims {
  userId: string;
  email: string;
  clientId: string;
  /** The bridge's resource URL: the token's only audience. */
  resource: string;
  scope: string;
}

/** A signed access token (EdDSA, the OAuth key, not the audit or per-call keys). */
export async function signAccessToken({ userId, email, clientId, resource, scope }: AccessTokenClaims): Promise<string> {
  const key = oauthSigningKey();
  return new SignJWT({ email, client_id: clientId, scope })
    .setProtectedHeader({ alg: "EdDSA", typ: ACCESS_TOKEN_TYPE, kid: key.keyId })
    .setIssuer(oauthIssuer())
    .setSubject(userId)
    .setAudience(resource)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_SECONDS}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
