import type { NextRequest } from "next/server";
import { checkAuthorizeRequest, isValidConsentToken } from "@/lib/oauth/authorize-request";
import { consentUser } from "@/lib/oauth/consent-user";
import { decideAuthorization } from "@/lib/oauth/decide-authorization";
import { ZAuthorizeDecision } from "@/lib/oauth/oauth.types";
import { OAuthError, oauthErrorResponse } from "@/lib/oauth/oauth-error";
import { readForm } from "@/lib/oauth/read-form";
import { classifyHeaders } from "@/lib/security/request-origin";

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}

// POST /api/oauth/authorize: the consent form's Approve or Deny (session cookie, same origin, form token) → 303 to the client's redirect URI.
export async function POST(req: NextRequest) {
  try {
    // CSRF: a foreign page's form post is refused by its Origin, and could not carry the form token anyway.
    if (classifyHeaders(req.headers) === "foreign") throw new OAuthError("access_denied", "cross-origin request refused");
    const user = await consentUser();
    if (!user) throw new OAuthError("access_denied", "sign in to the dashboard first");
    const form = await readForm(req);
    const checked = await checkAuthorizeRequest(form);
    if (!checked.ok) {
      if ("redirect" in checked) return seeOther(checked.redirect);
      throw new OAuthError("invalid_request", checked.page);
    }
    const decision = ZAuthorizeDecision.safeParse(form);
    if (!decision.success || !isValidConsentToken(user, decision.data, decision.data.csrf)) {
      throw new OAuthError("access_denied", "the consent form is stale or was not shown to you; open the authorization link again");
    }
    return seeOther(await decideAuthorization({ checked: checked.checked, user, decision: decision.data.decision }));
  } catch (error) {
    return oauthErrorResponse(error);
  }
}
