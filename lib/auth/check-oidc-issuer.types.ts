import { z } from "zod";

const ZEndpoint = z.url({ protocol: /^https?$/ });

/** The part of an OpenID Provider's discovery document that sign-in relies on (OpenID Connect Discovery 1.0, §3). */
export const ZDiscoveryDocument = z.object({
  issuer: z.string().min(1),
  authorization_endpoint: ZEndpoint,
  token_endpoint: ZEndpoint,
  jwks_uri: ZEndpoint,
  userinfo_endpoint: ZEndpoint.optional(),
  response_types_supported: z.array(z.string()).refine((types) => types.includes("code"), "does not offer the authorization code flow"),
  code_challenge_methods_supported: z
    .array(z.string())
    .refine((methods) => methods.includes("S256"), "does not offer PKCE with S256")
    .optional(),
});

/** A JSON Web Key Set with at least one key (ID tokens are checked against it). */
export const ZJwks = z.object({ keys: z.array(z.object({ kty: z.string() }).passthrough()).min(1, "holds no keys") });
