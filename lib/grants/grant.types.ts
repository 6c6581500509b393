import { z } from "zod";

// Per-call grants: what a bridge signs for each call it forwards, the keys it signs
// with, and the registration of those keys with the dashboard. Pure zod, shared by
// mcp-bridge/, app/ and upstream authors (lib/grants/verify-grant.ts).

/** The JWS header's `typ`: explicit typing (RFC 8725 §3.11), so no other JWT passes for a grant. */
export const GRANT_TYPE = "airlock-grant+jwt";
/** Where a stdio upstream finds its grant: `params._meta["airlock/grant"]` of the tools/call. */
export const GRANT_META_KEY = "airlock/grant";
/** The longest a grant may live, in seconds; `--grant-ttl` can only shorten it. */
export const MAX_GRANT_TTL_SECONDS = 60;
/** Where the dashboard publishes the keys. */
export const JWKS_PATH = "/.well-known/jwks.json";
/** The algorithms a grant may be signed with (the bridge signs EdDSA / Ed25519). */
export const GRANT_ALGORITHMS = ["EdDSA", "ES256"] as const;

/** A public Ed25519 key as a JWK: strict, so a private key (`d`) can never be registered or published. */
export const ZGrantPublicJwk = z
  .object({
    kty: z.literal("OKP"),
    crv: z.literal("Ed25519"),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "32 bytes, base64url"),
    kid: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "the key's RFC 7638 thumbprint, base64url"),
    alg: z.literal("EdDSA"),
    use: z.literal("sig"),
  })
  .strict();
export type TGrantPublicJwk = z.infer<typeof ZGrantPublicJwk>;

/** POST /api/bridge/grant-keys: a bridge registers the public half of a new signing key before it signs with it. */
export const ZGrantKeyRegistration = z
  .object({
    jwk: ZGrantPublicJwk,
    /** After this no grant signed with the key can still be valid: the dashboard stops publishing it then. */
    notAfter: z.iso.datetime(),
  })
  .strict();
export type TGrantKeyRegistration = z.infer<typeof ZGrantKeyRegistration>;

/** The dashboard's answer: the key is stored and published (until notAfter). */
export const ZGrantKeyAccepted = z.object({ kid: z.string(), notAfter: z.string() });
export type TGrantKeyAccepted = z.infer<typeof ZGrantKeyAccepted>;

/** The approval a held call's grant names: the request and who approved it. */
export const ZGrantApproval = z.object({ id: z.string().min(1), approvers: z.array(z.string()) });

/** A grant's claims as a verifier reads them. */
export const ZGrantClaims = z.object({
  iss: z.string(),
  /** The principal the agent acts for, when the bridge knows one. */
  sub: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]),
  /** `tool:<the upstream's own tool name>`; space-separated like OAuth scopes. */
  scope: z.string(),
  /** `sha256:<hex>` of the canonical JSON of the arguments the upstream receives. */
  airlock_args: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  airlock_approval: ZGrantApproval.optional(),
  jti: z.string().min(16),
  iat: z.number().int(),
  exp: z.number().int(),
});
export type TGrantClaims = z.infer<typeof ZGrantClaims>;
