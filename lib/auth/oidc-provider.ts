import type { OAuthConfig } from "next-auth/providers/oauth";
import type { TokenSet } from "openid-client";
import { discoveryUrl } from "./check-oidc-issuer";
import type { OidcConfig } from "./oidc-config";

export const OIDC_PROVIDER_ID = "oidc";

type Claims = Record<string, unknown>;

/**
 * next-auth's generic OAuth provider set up as an OpenID Connect relying party: the
 * authorization code flow with PKCE (S256), state and nonce; the ID token is verified
 * against the issuer's keys. Groups often live only in the userinfo answer, so its claims
 * are read too, under the ID token's (the signed ones win, and `sub` must agree).
 */
export function oidcProvider(config: OidcConfig): OAuthConfig<Claims> {
  return {
    id: OIDC_PROVIDER_ID,
    name: config.name,
    type: "oauth",
    wellKnown: discoveryUrl(config.issuer),
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authorization: { params: { scope: config.scopes } },
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    userinfo: {
      async request({ tokens: raw, client }) {
        // At run time next-auth hands over openid-client's TokenSet (its type here is a plain record).
        const tokens = raw as unknown as TokenSet;
        const idClaims = tokens.claims() as Claims;
        if (!client.issuer.metadata.userinfo_endpoint || !tokens.access_token) return idClaims;
        const info = (await client.userinfo(tokens.access_token)) as Claims;
        if (info.sub !== idClaims.sub) throw new Error("the userinfo answer names another subject than the ID token");
        return { ...info, ...idClaims };
      },
    },
    // The user record is found or created in the signIn callback (lib/users/sign-in-with-oidc.ts);
    // until then the profile is the subject alone, with no role.
    profile(claims) {
      return { id: String(claims.sub), email: typeof claims.email === "string" ? claims.email : null, name: null } as never;
    },
  };
}
