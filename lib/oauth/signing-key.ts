import { loadOrCreateSigningKey, publicJwks, type SigningKey } from "../audit/signing-key";

// The Ed25519 key that signs OAuth access tokens for the bridges' MCP endpoints. It is
// deliberately not the audit key, nor the per-call grant keys (/.well-known/jwks.json):
// each key signs one kind of thing, so a token of one kind can never pass for another.
//
// Kept like the audit key: `AIRLOCK_OAUTH_SIGNING_KEY` (a PKCS#8 PEM) or
// `AIRLOCK_OAUTH_SIGNING_KEY_FILE` wins; otherwise one is generated on first start into
// the data dir (mode 0600). Every dashboard instance must share it. Rotation: replace the
// key and restart; access tokens signed with the old one (10 minutes at most) fail at the
// bridges, whose clients then refresh (refresh tokens are database rows, not signed).

let cached: SigningKey | undefined;

export function oauthSigningKey(): SigningKey {
  cached ??= loadOrCreateSigningKey({ envVar: "AIRLOCK_OAUTH_SIGNING_KEY", keyFile: "oauth-signing-key.pem" });
  return cached;
}

/** The public half, as the JWKS the bridges verify access tokens with. */
export function oauthJwks(): { keys: Record<string, unknown>[] } {
  return publicJwks([oauthSigningKey()]);
}
