import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { hashArguments } from "../crypto/canonical-hash";
import { GRANT_ALGORITHMS, GRANT_TYPE, MAX_GRANT_TTL_SECONDS, type TGrantClaims, ZGrantClaims } from "./grant.types";

// The verifier for upstream authors: checks that a call carries a grant the bridge
// signed for exactly this call (this server, this tool, these arguments), once.
// Pure (jose and node:crypto): no Airlock server is needed to use it.

export type TGrantRefusal = "missing" | "invalid" | "expired" | "wrong_audience" | "wrong_tool" | "wrong_arguments" | "replayed" | "keys_unavailable";

/** Why a grant was refused; the upstream answers the call with an error and runs nothing. */
export class GrantRefusedError extends Error {
  constructor(
    readonly code: TGrantRefusal,
    message: string,
  ) {
    super(`grant refused (${code}): ${message}`);
  }
}

export interface GrantVerifierOptions {
  /** The dashboard's JWKS (`https://airlock.example/.well-known/jwks.json`), or a jose key resolver. */
  jwks: URL | JWTVerifyGetKey;
  /** The issuer grants must name: the dashboard's URL as the bridge was given it. */
  issuer: string;
  /** This upstream's audience string: its URL for an HTTP server, its name for a stdio one (unless the bridge was told otherwise). */
  audience: string;
  /** Clock skew allowed between the bridge and this server, in seconds (default 5). */
  clockToleranceSeconds?: number;
}

export interface GrantCheck {
  /** The compact JWT (the `Authorization: Bearer` value, or `_meta["airlock/grant"]`). */
  token: string | undefined;
  /** The tool being called, by this server's own name for it. */
  tool: string;
  /** The arguments exactly as this server received them. */
  arguments: Record<string, unknown> | undefined;
}

export interface GrantVerifier {
  /** Resolves with the grant's claims, or throws GrantRefusedError. A token that passes is spent. */
  verify(check: GrantCheck): Promise<TGrantClaims>;
}

/**
 * A verifier that fails closed: a token that is missing, unsigned, signed by a key the
 * dashboard does not publish, expired, for another server, another tool or other
 * arguments, or seen before, is refused, and so is every token while the keys cannot
 * be fetched. Single use is remembered in this process until each token expires: run
 * one verifier per server process (several processes behind a balancer need a shared
 * store of spent `jti`s).
 */
export function createGrantVerifier(options: GrantVerifierOptions): GrantVerifier {
  const remote = options.jwks instanceof URL ? createRemoteJWKSet(options.jwks, { cacheMaxAge: 60_000, timeoutDuration: 5_000 }) : undefined;
  const keys = remote ?? (options.jwks as JWTVerifyGetKey);
  const tolerance = options.clockToleranceSeconds ?? 5;
  const check = {
    algorithms: [...GRANT_ALGORITHMS],
    typ: GRANT_TYPE,
    issuer: options.issuer,
    audience: options.audience,
    clockTolerance: tolerance,
    maxTokenAge: MAX_GRANT_TTL_SECONDS + tolerance,
    requiredClaims: ["exp", "iat", "jti", "scope"],
  };
  /** Spent token ids and when each expires (seconds): forgotten after that, when no clock could accept it again. */
  const spent = new Map<string, number>();
  let nextSweep = 0;

  const forgetExpired = (now: number) => {
    if (now < nextSweep) return;
    nextSweep = now + 10;
    for (const [jti, exp] of spent) if (exp + tolerance < now) spent.delete(jti);
  };

  // A key the cached set does not know (a bridge that just started registers its key and signs at once) is fetched
  // again: at most once a second (a flood of made-up kids costs the dashboard one request a second), waiting out
  // that second rather than refusing a grant the next fetch would verify.
  let lastRefetch = 0;
  let refetching: Promise<void> | undefined;
  const refetch = () =>
    (refetching ??= (async () => {
      const wait = lastRefetch + 1_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        await remote!.reload();
      } finally {
        lastRefetch = Date.now();
      }
    })().finally(() => {
      refetching = undefined;
    }));

  const verifySignature = async (token: string) => {
    try {
      return (await jwtVerify(token, keys, check)).payload;
    } catch (error) {
      if (!(remote && error instanceof errors.JWKSNoMatchingKey)) throw error;
      await refetch();
      return (await jwtVerify(token, keys, check)).payload;
    }
  };

  return {
    async verify({ token, tool, arguments: args }) {
      if (!token) throw new GrantRefusedError("missing", "the call carries no grant");
      let payload: unknown;
      try {
        payload = await verifySignature(token);
      } catch (error) {
        throw refusalOf(error);
      }
      const parsed = ZGrantClaims.safeParse(payload);
      if (!parsed.success) throw new GrantRefusedError("invalid", `malformed claims (${parsed.error.issues[0]?.path.join(".")})`);
      const claims = parsed.data;
      if (claims.exp - claims.iat > MAX_GRANT_TTL_SECONDS) throw new GrantRefusedError("invalid", `the grant lives longer than ${MAX_GRANT_TTL_SECONDS} s`);
      if (!claims.scope.split(" ").includes(`tool:${tool}`)) throw new GrantRefusedError("wrong_tool", `the grant is for ${claims.scope}, not tool:${tool}`);
      if (claims.airlock_args !== `sha256:${hashArguments(args ?? {})}`) {
        throw new GrantRefusedError("wrong_arguments", "the arguments are not the ones the grant was signed for");
      }
      const now = Math.floor(Date.now() / 1000);
      forgetExpired(now);
      if (spent.has(claims.jti)) throw new GrantRefusedError("replayed", "this grant was already used");
      spent.set(claims.jti, claims.exp);
      return claims;
    },
  };
}

/** jose's error as a refusal; anything unexpected (a network failure fetching the keys) refuses too. */
function refusalOf(error: unknown): GrantRefusedError {
  if (error instanceof errors.JWTExpired) return new GrantRefusedError("expired", "the grant has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "aud" ? new GrantRefusedError("wrong_audience", "the grant is for another server") : new GrantRefusedError("invalid", error.message);
  }
  // A timeout, a key set that is not one, or an error answer (jose's generic error: "Expected 200 OK …").
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC")) {
    return new GrantRefusedError("keys_unavailable", `the signing keys cannot be fetched (${error.message})`);
  }
  if (error instanceof errors.JOSEError) return new GrantRefusedError("invalid", error.message);
  // fetch failures (the dashboard down, DNS) are plain errors: no keys, no calls.
  return new GrantRefusedError("keys_unavailable", `the signing keys cannot be fetched (${(error as Error)?.message ?? String(error)})`);
}
