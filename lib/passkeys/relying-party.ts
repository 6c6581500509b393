// The WebAuthn relying party: which site a passkey belongs to. Pure (no database).

export interface RelyingParty {
  /** The RP ID: the public URL's hostname (a passkey works on this host and its subdomains only). */
  rpID: string;
  /** The origin the browser must report in every ceremony. */
  origin: string;
  name: string;
}

/**
 * AIRLOCK_PUBLIC_URL, else NEXTAUTH_URL, else the origin the request came to (the
 * request's own URL, whose host is the Host header). The browser checks that the page's
 * origin matches the RP ID, and the server checks the origin the browser reports, so a
 * request to another host name gets passkeys that are not this site's.
 */
export function relyingParty(requestUrl: string | null, env: Record<string, string | undefined> = process.env): RelyingParty {
  const base = env.AIRLOCK_PUBLIC_URL || env.NEXTAUTH_URL || requestUrl;
  if (!base) throw new Error("no public URL to derive the passkeys' relying party from (set AIRLOCK_PUBLIC_URL)");
  const url = new URL(base);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`the public URL ${base} is not http(s)`);
  return { rpID: url.hostname, origin: url.origin, name: "Airlock" };
}

/** The request's own origin, from its Host header (Next's req.url may name the address it listens on). */
export function requestOrigin(req: Request): string | null {
  const host = req.headers.get("host");
  if (!host) return null;
  return `${new URL(req.url).protocol}//${host}`;
}
