import { publicBaseUrl } from "../notifications/links";
import { OAUTH_SCOPES } from "./oauth.types";

/** The authorization server's issuer: the dashboard's public URL (AIRLOCK_PUBLIC_URL, else NEXTAUTH_URL). */
export function oauthIssuer(): string {
  return publicBaseUrl();
}

/** Where each endpoint lives, below the issuer. */
export const OAUTH_PATHS = {
  authorize: "/oauth/authorize",
  token: "/api/oauth/token",
  register: "/api/oauth/register",
  jwks: "/api/oauth/jwks",
} as const;

/** RFC 8414 authorization server metadata, as MCP clients discover it. */
export function authorizationServerMetadata() {
  const issuer = oauthIssuer();
  return {
    issuer,
    authorization_endpoint: `${issuer}${OAUTH_PATHS.authorize}`,
    token_endpoint: `${issuer}${OAUTH_PATHS.token}`,
    registration_endpoint: `${issuer}${OAUTH_PATHS.register}`,
    jwks_uri: `${issuer}${OAUTH_PATHS.jwks}`,
    scopes_supported: [...OAUTH_SCOPES],
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token"],
    token_endpoint_auth_methods_supported: ["none"],
    code_challenge_methods_supported: ["S256"],
    // RFC 9207: the authorization response names its issuer, against mix-up attacks.
    authorization_response_iss_parameter_supported: true,
  };
}
