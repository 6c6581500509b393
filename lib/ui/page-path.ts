/** Set by proxy.ts on every page request: the path and query the browser asked for. */
export const PAGE_PATH_HEADER = "x-airlock-page-path";

/** A same-site path to come back to after signing in, or "/" (never another site). */
export function safeReturnPath(path: string | null | undefined): string {
  return path?.startsWith("/") && !path.startsWith("//") && !path.startsWith("/signin") ? path : "/";
}
