import { createHash, type KeyObject, randomBytes, sign } from "node:crypto";
import { GRANT_TYPE, MAX_GRANT_TTL_SECONDS, type TGrantClaims, type TGrantPublicJwk } from "./grant.types";

/** Who a grant is for and what it allows: one call of one tool with exactly these arguments. */
export interface GrantRequest {
  /** The upstream's audience string. */
  audience: string;
  /** The tool's name as the upstream knows it. */
  tool: string;
  /** SHA-256 hex of the canonical JSON of the arguments the upstream receives. */
  argumentsHash: string;
  principal?: string;
  approval?: { id: string; approvers: string[] };
}

export interface GrantSigner {
  readonly kid: string;
  readonly issuer: string;
  /** A compact JWS, signed now, valid for the signer's lifetime (at most 60 s). */
  mint(request: GrantRequest, nowMs?: number): string;
}

/** The public half of an Ed25519 key as a JWK, its `kid` the RFC 7638 thumbprint (the same key always gets the same kid). */
export function publicJwkOf(publicKey: KeyObject): TGrantPublicJwk {
  const { x } = publicKey.export({ format: "jwk" }) as { x: string };
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const kid = createHash("sha256").update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest("base64url");
  return { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" };
}

/**
 * A signer for one Ed25519 key. Built for the allow path: the header is encoded
 * once, and each grant is one JSON.stringify, one base64url and one synchronous
 * `crypto.sign` (about 30 µs), where jose's SignJWT re-encodes the header and
 * awaits WebCrypto for every token.
 */
export function createGrantSigner({
  privateKey,
  publicKey,
  issuer,
  ttlSeconds = MAX_GRANT_TTL_SECONDS,
}: {
  privateKey: KeyObject;
  publicKey: KeyObject;
  issuer: string;
  /** How long a grant lives: 1 to 60 seconds. */
  ttlSeconds?: number;
}): GrantSigner {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("grants are signed with Ed25519 keys");
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_GRANT_TTL_SECONDS) {
    throw new Error(`a grant lives 1 to ${MAX_GRANT_TTL_SECONDS} seconds`);
  }
  const { kid } = publicJwkOf(publicKey);
  const header = Buffer.from(JSON.stringify({ alg: "EdDSA", typ: GRANT_TYPE, kid })).toString("base64url");
  return {
    kid,
    issuer,
    mint(request, nowMs = Date.now()) {
      const iat = Math.floor(nowMs / 1000);
      const claims: TGrantClaims = {
        iss: issuer,
        ...(request.principal ? { sub: request.principal } : {}),
        aud: request.audience,
        scope: `tool:${request.tool}`,
        airlock_args: `sha256:${request.argumentsHash}`,
        ...(request.approval ? { airlock_approval: request.approval } : {}),
        // 128 random bits: a verifier remembers each until it expires, and refuses it a second time.
        jti: randomBytes(16).toString("base64url"),
        iat,
        exp: iat + ttlSeconds,
      };
      const signingInput = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
      return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString("base64url")}`;
    },
  };
}
