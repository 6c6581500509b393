import { type NextRequest, NextResponse } from "next/server";
import { buildContentSecurityPolicy } from "@/lib/security/content-security-policy";
import { PAGE_PATH_HEADER } from "@/lib/ui/page-path";

// Every page gets a Content-Security-Policy with a fresh nonce. Next reads the nonce
// from the request's CSP header while rendering and puts it on its own scripts, which
// is why the pages are rendered per request (the root layout awaits connection()).
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  // The consent page's form ends in a redirect to the client; the page shows a form only for a redirect URI the client registered.
  const redirectUri = request.nextUrl.pathname === "/oauth/authorize" ? request.nextUrl.searchParams.get("redirect_uri") : null;
  const csp = buildContentSecurityPolicy({
    nonce,
    host: request.headers.get("host"),
    isDev: process.env.NODE_ENV === "development",
    formTargets: redirectUri ? [redirectUri] : [],
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  // The page asked for, so that a sign-in redirect from a layout can come back to it (always overwritten: never the client's claim).
  requestHeaders.set(PAGE_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Pages only: API answers are JSON (no CSP needed), static chunks are immutable.
  matcher: [
    {
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
