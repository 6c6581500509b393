import { createHmac, timingSafeEqual } from "node:crypto";
import { ensureAuthSecret } from "../server/auth-secret";
import { findBridgeResource } from "./bridge-resources";
import { DEFAULT_SCOPE, type TAuthorizeRequest, ZAuthorizeRequest } from "./oauth.types";
import { findClient } from "./register-client";
import { oauthIssuer } from "./server-metadata";

/** What the consent page shows, and what a decision is bound to. */
export interface CheckedAuthorizeRequest {
  request: TAuthorizeRequest & { scope: string };
  client: { id: string; clientId: string; name: string };
  bridge: { id: string; name: string };
  redirectHost: string;
}

/**
 * The outcome of checking an authorization request. `page`: shown on the dashboard, never sent
 * to the redirect URI, because the client or its redirect URI cannot be trusted (RFC 6749
 * §4.1.2.1). `redirect`: any other error goes back to the client at its registered redirect URI.
 */
export type TAuthorizeCheck = { ok: true; checked: CheckedAuthorizeRequest } | { ok: false; page: string } | { ok: false; redirect: string };

/** The redirect back to the client, with the issuer (RFC 9207) and the client's state. */
export function redirectToClient(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries({ ...params, iss: oauthIssuer() })) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** Checks an authorization request (the page's query, or the consent form's fields) against the registered client and the known bridges. */
export async function checkAuthorizeRequest(params: Record<string, unknown>): Promise<TAuthorizeCheck> {
  const clientId = typeof params.client_id === "string" ? params.client_id : "";
  const redirectUri = typeof params.redirect_uri === "string" ? params.redirect_uri : "";
  const client = clientId ? await findClient(clientId) : null;
  if (!client) return { ok: false, page: "This application is not registered with Airlock (unknown client_id)." };
  // Exact match with a registered URI (no prefix or pattern): an open redirector cannot be made of it.
  if (!client.redirectUris.includes(redirectUri)) return { ok: false, page: "The redirect URI is not one this application registered." };
  const state = typeof params.state === "string" ? params.state.slice(0, 1000) : undefined;
  const parsed = ZAuthorizeRequest.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const code = issue.path[0] === "scope" ? "invalid_scope" : issue.path[0] === "resource" ? "invalid_target" : "invalid_request";
    return {
      ok: false,
      redirect: redirectToClient(redirectUri, { error: code, error_description: `${String(issue.path[0] ?? "request")}: ${issue.message}`, state }),
    };
  }
  const bridge = await findBridgeResource(parsed.data.resource);
  if (!bridge) {
    return {
      ok: false,
      redirect: redirectToClient(redirectUri, {
        error: "invalid_target",
        error_description: "the resource is not the MCP endpoint of a bridge this dashboard knows",
        state,
      }),
    };
  }
  return {
    ok: true,
    checked: {
      request: { ...parsed.data, scope: parsed.data.scope?.trim() || DEFAULT_SCOPE },
      client: { id: client.id, clientId: client.clientId, name: client.name },
      bridge,
      redirectHost: new URL(redirectUri).host,
    },
  };
}

function consentMac(userId: string, sessionVersion: number, request: TAuthorizeRequest): Buffer {
  const bound = [
    userId,
    sessionVersion,
    request.client_id,
    request.redirect_uri,
    request.code_challenge,
    request.resource,
    request.scope ?? "",
    request.state ?? "",
  ];
  return createHmac("sha256", `airlock-oauth-consent:${ensureAuthSecret()}`).update(JSON.stringify(bound)).digest();
}

/**
 * The consent form's CSRF token: an HMAC over the signed-in user, their session version and
 * the exact request, so a decision can only be posted by the page shown to that user for that
 * request (and not after they signed out).
 */
export function consentToken(user: { id: string; sessionVersion: number }, request: TAuthorizeRequest): string {
  return consentMac(user.id, user.sessionVersion, request).toString("base64url");
}

export function isValidConsentToken(user: { id: string; sessionVersion: number }, request: TAuthorizeRequest, token: string): boolean {
  const given = Buffer.from(token, "base64url");
  const expected = consentMac(user.id, user.sessionVersion, request);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
