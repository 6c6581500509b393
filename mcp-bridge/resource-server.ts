import type { IncomingMessage } from "node:http";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import { z } from "zod";
import { normalizeIdentity } from "../lib/identity/normalize-identity";

// The bridge as an OAuth 2.1 resource server (MCP authorization, 2025-06-18 and later):
// RFC 9728 metadata names the dashboard as the authorization server; every request to
// /mcp carries a bearer token the bridge verifies itself, against the dashboard's OAuth
// JWKS (fetched and cached), with the algorithm, type, issuer and audience pinned.

/** The scope a token needs to use the MCP endpoint. */
export const REQUIRED_SCOPE = "mcp";
/** RFC 9068: only JWT access tokens that say so; an ID token or a per-call grant is not one. */
const ACCESS_TOKEN_TYPE = "at+jwt";

/** A verified caller: the user the token was issued to. */
export interface Principal {
  /** The dashboard's user id (`sub`). */
  subject: string;
  /** The user's email, normalised: what policy, self-approval and the audit trail see. */
  email: string;
}

/** Why a request is refused: RFC 6750 §3.1 errors, and 503 when the keys cannot be had (fail closed). */
export type TAuthFailure =
  | { status: 401; error?: "invalid_token" | "invalid_request"; description: string }
  | { status: 403; error: "insufficient_scope"; description: string }
  | { status: 503; description: string };

const ZServerMetadata = z.object({ issuer: z.string().url(), jwks_uri: z.string().url() });
const ZClaims = z.object({ sub: z.string().min(1), email: z.string().min(3).max(320), scope: z.string().optional() });

export interface ResourceServerOptions {
  /** The dashboard's URL as the bridge reaches it (`--dashboard`). */
  dashboardUrl: string;
  /** This endpoint's resource URL, as clients use it (`--public-url`, or the address it listens on). */
  resourceUrl: string;
}

export class ResourceServer {
  readonly resourceUrl: string;
  private readonly dashboardUrl: string;
  private issuer: Promise<string> | undefined;
  // Fetched from the dashboard the bridge was given, not from the metadata's jwks_uri: the
  // public URL may not be reachable from here, and the keys must come from the configured dashboard.
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor({ dashboardUrl, resourceUrl }: ResourceServerOptions) {
    this.dashboardUrl = dashboardUrl;
    this.resourceUrl = resourceUrl;
    this.jwks = createRemoteJWKSet(new URL(`${dashboardUrl}/api/oauth/jwks`), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000, timeoutDuration: 5_000 });
  }

  /** The authorization server's issuer, from its RFC 8414 metadata (fetched once; a failure is retried on the next request). */
  authorizationServer(): Promise<string> {
    this.issuer ??= (async () => {
      const res = await fetch(`${this.dashboardUrl}/.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(5_000), redirect: "error" });
      if (!res.ok) throw new Error(`the dashboard's OAuth metadata answered HTTP ${res.status}`);
      return ZServerMetadata.parse(await res.json()).issuer;
    })().catch((error) => {
      this.issuer = undefined;
      throw error;
    });
    return this.issuer;
  }

  /** RFC 9728 protected resource metadata. */
  async metadata() {
    return {
      resource: this.resourceUrl,
      authorization_servers: [await this.authorizationServer()],
      bearer_methods_supported: ["header"],
      scopes_supported: [REQUIRED_SCOPE],
      resource_name: "Airlock bridge",
    };
  }

  /** Where the metadata is: the well-known prefix before the resource's path (RFC 9728 §3.1). */
  get metadataUrl(): string {
    const url = new URL(this.resourceUrl);
    const path = url.pathname === "/" ? "" : url.pathname.replace(/\/+$/, "");
    return `${url.origin}/.well-known/oauth-protected-resource${path}`;
  }

  /** The `WWW-Authenticate` header of a refusal (RFC 6750 §3, RFC 9728 §5.1). */
  challenge(failure: TAuthFailure): string {
    const parts = [`resource_metadata="${this.metadataUrl}"`, `scope="${REQUIRED_SCOPE}"`];
    if ("error" in failure && failure.error) parts.push(`error="${failure.error}"`, `error_description="${failure.description.replace(/["\\]/g, "")}"`);
    return `Bearer ${parts.join(", ")}`;
  }

  /** The principal a request's bearer token names, or why it is refused. */
  async authenticate(req: IncomingMessage): Promise<{ principal: Principal } | { failure: TAuthFailure }> {
    const header = req.headers.authorization;
    if (!header) return { failure: { status: 401, description: "a bearer token is required" } };
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) return { failure: { status: 401, error: "invalid_request", description: "the Authorization header must be: Bearer <token>" } };
    let issuer: string;
    try {
      issuer = await this.authorizationServer();
    } catch {
      return { failure: { status: 503, description: "the bridge cannot reach its authorization server to check tokens" } };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(match[1], this.jwks, { issuer, audience: this.resourceUrl, algorithms: ["EdDSA"], typ: ACCESS_TOKEN_TYPE }));
    } catch (error) {
      // No keys (the dashboard unreachable, or an answer that is not a key set): fail closed, but do not tell the client to sign in again.
      if (isKeySetUnavailable(error)) {
        return { failure: { status: 503, description: "the bridge cannot fetch the keys that verify tokens" } };
      }
      return { failure: { status: 401, error: "invalid_token", description: describeTokenError(error) } };
    }
    const claims = ZClaims.safeParse(payload);
    if (!claims.success) return { failure: { status: 401, error: "invalid_token", description: "the token names no user" } };
    if (!(claims.data.scope ?? "").split(" ").includes(REQUIRED_SCOPE)) {
      return { failure: { status: 403, error: "insufficient_scope", description: `the token lacks the ${REQUIRED_SCOPE} scope` } };
    }
    return { principal: { subject: claims.data.sub, email: normalizeIdentity(claims.data.email) } };
  }
}

/** The key set could not be fetched or read (as opposed to a token it does not verify). */
function isKeySetUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // fetch's own failure (refused, unknown host), or jose's generic error about the key set's HTTP answer.
  if (error instanceof TypeError) return true;
  return error instanceof errors.JOSEError && error.code === "ERR_JOSE_GENERIC" && /JSON Web Key Set/.test(error.message);
}

/** A short reason fit for a client (never the token). */
function describeTokenError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted here`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return "the token's signature does not verify";
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  return "the token is not valid";
}
