import { fromZodError } from "../errors/app-error";
import { ZDiscoveryDocument, ZJwks } from "./check-oidc-issuer.types";
import type { OidcConfig } from "./oidc-config";

const TIMEOUT_MS = 10_000;

/** The discovery document's address: the issuer with `/.well-known/openid-configuration` appended (a trailing slash is not doubled). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
}

async function getJson(url: string, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: "application/json" }, redirect: "error", signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === "TimeoutError" ? `no answer within ${TIMEOUT_MS / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new Error(`cannot reach the ${what} at ${url} (${reason})`);
  }
  if (!res.ok) throw new Error(`the ${what} at ${url} answered HTTP ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new Error(`the ${what} at ${url} is not JSON`);
  }
}

/**
 * Checks at start that the configured issuer is a usable OpenID Provider: its discovery
 * document is reachable and valid, names exactly this issuer (ID tokens are checked against
 * it, so a mismatch would fail every sign-in later), and its key set holds keys. Throws one
 * line that starts with the variable to fix.
 */
export async function checkOidcIssuer(config: Pick<OidcConfig, "issuer">): Promise<{ issuer: string; authorizationEndpoint: string }> {
  const fail = (message: string): never => {
    throw new Error(`AIRLOCK_OIDC_ISSUER ${config.issuer}: ${message}`);
  };
  const url = discoveryUrl(config.issuer);
  const raw = await getJson(url, "discovery document").catch((error: Error) => fail(error.message));
  const parsed = ZDiscoveryDocument.safeParse(raw);
  if (!parsed.success) fail(`the discovery document at ${url} is invalid: ${fromZodError(parsed.error!, "document").message}`);
  const doc = parsed.data!;
  if (doc.issuer !== config.issuer) fail(`the discovery document names the issuer "${doc.issuer}": set AIRLOCK_OIDC_ISSUER to exactly that`);
  const jwks = ZJwks.safeParse(await getJson(doc.jwks_uri, "key set (jwks_uri)").catch((error: Error) => fail(error.message)));
  if (!jwks.success) fail(`the key set at ${doc.jwks_uri} is invalid: ${fromZodError(jwks.error, "jwks").message}`);
  return { issuer: doc.issuer, authorizationEndpoint: doc.authorization_endpoint };
}
