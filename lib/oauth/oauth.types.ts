import { z } from "zod";

/** The scopes this authorization server grants: one, "mcp" (use the bridge's MCP endpoint as yourself). */
export const OAUTH_SCOPES = ["mcp"] as const;
export const DEFAULT_SCOPE = "mcp";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A redirect URI a client may register: https anywhere, or http on loopback (a native app's local listener); no fragment. */
export function isAllowedRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
}

/** The resource URL of a bridge's MCP endpoint (RFC 8707: absolute, no fragment). */
export const ZResourceUrl = z
  .string()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "https:" || url.protocol === "http:") && !url.hash && !url.username && !url.password;
    } catch {
      return false;
    }
  }, "expected an absolute http(s) URL without a fragment");

/** RFC 7591 registration request: what is read of it (anything else is ignored, as §2 allows). */
export const ZRegisterClient = z.object({
  redirect_uris: z
    .array(
      z.string().max(2000).refine(isAllowedRedirectUri, "a redirect URI must be https, or http on loopback (localhost, 127.0.0.1, [::1]), without a fragment"),
    )
    .min(1, "at least one redirect URI is required")
    .max(10, "at most 10 redirect URIs"),
  client_name: z.string().trim().min(1).max(200).optional(),
  // Public clients only: any other method asked for is replaced by "none" in the answer (RFC 7591 §3.2.1 lets the server do so).
  token_endpoint_auth_method: z.string().max(100).optional(),
  grant_types: z
    .array(z.string())
    .refine((grants) => grants.every((g) => g === "authorization_code" || g === "refresh_token"), "only authorization_code and refresh_token are supported")
    .optional(),
  response_types: z
    .array(z.string())
    .refine((types) => types.every((t) => t === "code"), "only the code response type is supported")
    .optional(),
  scope: z.string().max(500).optional(),
});
export type TRegisterClient = z.infer<typeof ZRegisterClient>;

const ZScope = z
  .string()
  .max(500)
  .refine(
    (scope) => scope.split(" ").every((s) => s === "" || (OAUTH_SCOPES as readonly string[]).includes(s)),
    `the scopes supported are: ${OAUTH_SCOPES.join(" ")}`,
  );

/** The authorization request's parameters (RFC 6749 §4.1.1 with PKCE, RFC 7636, and a resource, RFC 8707). */
export const ZAuthorizeRequest = z.object({
  response_type: z.literal("code", { error: "response_type must be code" }),
  client_id: z.string().min(1).max(200),
  redirect_uri: z.string().min(1).max(2000),
  // RFC 7636 §4.2: S256 of a 43–128 character verifier is 43 base64url characters; "plain" is refused (OAuth 2.1).
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "code_challenge must be the base64url SHA-256 of the verifier"),
  code_challenge_method: z.literal("S256", { error: "code_challenge_method must be S256" }),
  resource: ZResourceUrl,
  scope: ZScope.optional(),
  state: z.string().max(1000).optional(),
});
export type TAuthorizeRequest = z.infer<typeof ZAuthorizeRequest>;

/** The consent form's answer: the request again, the user's choice and the form's CSRF token. */
export const ZAuthorizeDecision = ZAuthorizeRequest.extend({
  decision: z.enum(["approve", "deny"]),
  csrf: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "the form's token is missing"),
});
export type TAuthorizeDecision = z.infer<typeof ZAuthorizeDecision>;

const ZVerifier = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, "code_verifier must be 43–128 unreserved characters (RFC 7636 §4.1)");

/** The token request (RFC 6749 §4.1.3 and §6), public clients: client_id in the body. */
export const ZTokenRequest = z.discriminatedUnion("grant_type", [
  z.object({
    grant_type: z.literal("authorization_code"),
    code: z.string().min(1).max(200),
    redirect_uri: z.string().min(1).max(2000),
    client_id: z.string().min(1).max(200),
    code_verifier: ZVerifier,
    resource: ZResourceUrl.optional(),
  }),
  z.object({
    grant_type: z.literal("refresh_token"),
    refresh_token: z.string().min(1).max(200),
    client_id: z.string().min(1).max(200),
    resource: ZResourceUrl.optional(),
    scope: ZScope.optional(),
  }),
]);
export type TTokenRequest = z.infer<typeof ZTokenRequest>;

/** What a bridge reports about itself when it serves MCP with OAuth. */
export const ZBridgeResource = z.object({ resourceUrl: ZResourceUrl });
