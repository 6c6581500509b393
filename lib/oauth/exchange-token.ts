import { createHash, timingSafeEqual } from "node:crypto";
import { recordAudit } from "../audit/chain";
import { generateToken, hashToken, tokenKind } from "../auth/tokens";
import { db } from "../db/prisma";
import { ACCESS_TOKEN_SECONDS, signAccessToken } from "./access-token";
import { findBridgeResource } from "./bridge-resources";
import type { TTokenRequest } from "./oauth.types";
import { OAuthError } from "./oauth-error";
import { findClient } from "./register-client";

/** A refresh token is good for this long, and each use replaces it (rotation). */
export const REFRESH_TOKEN_LIFETIME_MS = 7 * 24 * 3600_000;

type Grant = { familyId: string; clientId: string; clientPublicId: string; userId: string; resource: string; scope: string };

function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/** Ends every refresh token of a grant (a replayed code or refresh token means someone else may hold one). */
async function revokeFamily(familyId: string, reason: string, userId: string): Promise<void> {
  const { count } = await db.oAuthRefreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
  await recordAudit([{ kind: "oauth_grant_revoked", actorId: userId, detail: { reason, refreshTokensRevoked: count } }]);
}

/** The user the grant is for, while they may still use it (not disabled), and the bridge still known. */
async function activeSubject(grant: Grant): Promise<{ id: string; email: string }> {
  const user = await db.user.findUnique({ where: { id: grant.userId }, select: { id: true, email: true, disabledAt: true } });
  if (!user || user.disabledAt) throw new OAuthError("invalid_grant", "the user of this grant is disabled");
  if (!(await findBridgeResource(grant.resource))) throw new OAuthError("invalid_grant", "the bridge this grant is for is no longer known to the dashboard");
  return user;
}

async function issueTokens(grant: Grant, user: { id: string; email: string }) {
  const { token: refreshToken, tokenHash } = generateToken("oauth_refresh");
  await db.oAuthRefreshToken.create({
    data: {
      tokenHash,
      familyId: grant.familyId,
      clientId: grant.clientId,
      userId: user.id,
      resource: grant.resource,
      scope: grant.scope,
      expiresAt: new Date(Date.now() + REFRESH_TOKEN_LIFETIME_MS),
    },
  });
  const accessToken = await signAccessToken({
    userId: user.id,
    email: user.email,
    clientId: grant.clientPublicId,
    resource: grant.resource,
    scope: grant.scope,
  });
  return { access_token: accessToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS, refresh_token: refreshToken, scope: grant.scope };
}

async function redeemCode(input: Extract<TTokenRequest, { grant_type: "authorization_code" }>) {
  const invalid = new OAuthError("invalid_grant", "the authorization code is invalid, expired or already used");
  if (tokenKind(input.code) !== "oauth_code") throw invalid;
  const code = await db.oAuthCode.findUnique({ where: { codeHash: hashToken(input.code) }, include: { client: { select: { clientId: true } } } });
  if (!code) throw invalid;
  // Spent before anything else is checked: a code is tried once, whatever the outcome (a wrong verifier burns it).
  const { count } = await db.oAuthCode.updateMany({ where: { id: code.id, usedAt: null }, data: { usedAt: new Date() } });
  if (count !== 1) {
    // RFC 6749 §4.1.2: a code used twice revokes what it was exchanged for.
    await revokeFamily(code.id, "authorization code replayed", code.userId);
    throw invalid;
  }
  if (code.expiresAt.getTime() <= Date.now()) throw invalid;
  if (code.client.clientId !== input.client_id) throw new OAuthError("invalid_grant", "the code was issued to another client");
  if (code.redirectUri !== input.redirect_uri) throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
  if (input.resource !== undefined && input.resource !== code.resource)
    throw new OAuthError("invalid_target", "resource does not match the authorization request");
  if (!pkceMatches(input.code_verifier, code.codeChallenge)) throw new OAuthError("invalid_grant", "code_verifier does not match the code challenge");
  const grant: Grant = {
    familyId: code.id,
    clientId: code.clientId,
    clientPublicId: code.client.clientId,
    userId: code.userId,
    resource: code.resource,
    scope: code.scope,
  };
  return issueTokens(grant, await activeSubject(grant));
}

async function rotateRefreshToken(input: Extract<TTokenRequest, { grant_type: "refresh_token" }>) {
  const invalid = new OAuthError("invalid_grant", "the refresh token is invalid, expired, revoked or already used");
  if (tokenKind(input.refresh_token) !== "oauth_refresh") throw invalid;
  const token = await db.oAuthRefreshToken.findUnique({
    where: { tokenHash: hashToken(input.refresh_token) },
    include: { client: { select: { clientId: true } } },
  });
  if (!token || token.revokedAt) throw invalid;
  if (token.client.clientId !== input.client_id) throw new OAuthError("invalid_grant", "the refresh token was issued to another client");
  const { count } = await db.oAuthRefreshToken.updateMany({ where: { id: token.id, usedAt: null, revokedAt: null }, data: { usedAt: new Date() } });
  if (count !== 1) {
    // A spent refresh token presented again: the token leaked, or the client is confused. Either way the grant ends.
    await revokeFamily(token.familyId, "refresh token replayed", token.userId);
    throw invalid;
  }
  if (token.expiresAt.getTime() <= Date.now()) throw invalid;
  if (input.resource !== undefined && input.resource !== token.resource) throw new OAuthError("invalid_target", "resource does not match the grant");
  const scope = input.scope?.trim() || token.scope;
  if (scope.split(" ").some((s) => !token.scope.split(" ").includes(s))) throw new OAuthError("invalid_scope", "a refresh cannot widen the grant's scope");
  const grant: Grant = {
    familyId: token.familyId,
    clientId: token.clientId,
    clientPublicId: token.client.clientId,
    userId: token.userId,
    resource: token.resource,
    scope,
  };
  return issueTokens(grant, await activeSubject(grant));
}

/** The token endpoint's work (RFC 6749 §4.1.3, §6): a code with its PKCE verifier, or a refresh token, for an access token and a new refresh token. */
export async function exchangeToken(input: TTokenRequest) {
  if (!(await findClient(input.client_id))) throw new OAuthError("invalid_client", "unknown client_id: register the client first");
  return input.grant_type === "authorization_code" ? redeemCode(input) : rotateRefreshToken(input);
}
