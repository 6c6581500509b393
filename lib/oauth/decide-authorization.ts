import { recordAudit } from "../audit/chain";
import { generateToken } from "../auth/tokens";
import { db } from "../db/prisma";
import { type CheckedAuthorizeRequest, redirectToClient } from "./authorize-request";

/** An authorization code is good for this long (RFC 6749 §4.1.2 recommends at most 10 minutes; a client redeems it at once). */
export const CODE_LIFETIME_MS = 60_000;

export interface DecideAuthorizationOptions {
  checked: CheckedAuthorizeRequest;
  user: { id: string; email: string };
  decision: "approve" | "deny";
}

/**
 * The signed-in user's answer on the consent page: approve issues a single-use code
 * (only its SHA-256 is stored) bound to the client, redirect URI, PKCE challenge,
 * resource, scope and user; deny answers `access_denied`. Returns where the browser goes.
 */
export async function decideAuthorization({ checked, user, decision }: DecideAuthorizationOptions): Promise<string> {
  const { request, client, bridge } = checked;
  if (decision === "deny") {
    return redirectToClient(request.redirect_uri, { error: "access_denied", error_description: "the user denied the request", state: request.state });
  }
  const { token: code, tokenHash } = generateToken("oauth_code");
  await db.oAuthCode.create({
    data: {
      codeHash: tokenHash,
      clientId: client.id,
      userId: user.id,
      redirectUri: request.redirect_uri,
      codeChallenge: request.code_challenge,
      resource: request.resource,
      scope: request.scope,
      expiresAt: new Date(Date.now() + CODE_LIFETIME_MS),
    },
  });
  await recordAudit([
    {
      kind: "oauth_authorized",
      actorId: user.id,
      bridgeId: bridge.id,
      detail: { client: client.name, clientId: client.clientId, resource: request.resource, scope: request.scope, redirectHost: checked.redirectHost },
    },
  ]);
  return redirectToClient(request.redirect_uri, { code, state: request.state });
}
