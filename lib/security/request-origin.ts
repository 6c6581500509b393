/**
 * Where a browser request comes from, judged by what browsers send on their own:
 * `Origin` (every cross-origin request and every same-origin write in current
 * browsers) and, when it is absent, `Sec-Fetch-Site`.
 *
 * - "same": the page that sent it is ours (its host is the request's Host, or the
 *   origin of NEXTAUTH_URL, the public URL behind a proxy).
 * - "foreign": another site, a sandboxed frame or a `file:` page (`Origin: null`),
 *   or an Origin that is not a URL at all. Callers refuse these; never a 500.
 *   Chromium also sends `Origin: null` with a same-origin form post under some
 *   referrer policies; `Sec-Fetch-Site: same-origin` (which no page can set) then
 *   says it is ours.
 * - "absent": no browser signal (curl, the CLI, the bridge): nothing to judge.
 */
export type TRequestOrigin = "same" | "foreign" | "absent";

export interface RequestOriginHeaders {
  origin?: string | null;
  host?: string | null;
  secFetchSite?: string | null;
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export function classifyRequestOrigin({ origin, host, secFetchSite }: RequestOriginHeaders, publicUrl = process.env.NEXTAUTH_URL): TRequestOrigin {
  if (origin === "null") return secFetchSite === "same-origin" ? "same" : "foreign";
  if (origin) {
    const originHost = hostOf(origin);
    if (!originHost) return "foreign";
    const allowed = [host, publicUrl ? hostOf(publicUrl) : null].filter(Boolean);
    return allowed.includes(originHost) ? "same" : "foreign";
  }
  if (secFetchSite && secFetchSite !== "same-origin" && secFetchSite !== "none") return "foreign";
  return "absent";
}

/** The same judgement from a Fetch API Headers object. */
export function classifyHeaders(headers: Headers): TRequestOrigin {
  return classifyRequestOrigin({ origin: headers.get("origin"), host: headers.get("host"), secFetchSite: headers.get("sec-fetch-site") });
}
