import type { NextRequest } from "next/server";
import { exchangeToken } from "@/lib/oauth/exchange-token";
import { ZTokenRequest } from "@/lib/oauth/oauth.types";
import { OAuthError, oauthErrorResponse } from "@/lib/oauth/oauth-error";
import { readForm } from "@/lib/oauth/read-form";

// POST /api/oauth/token: an authorization code (with its PKCE verifier) or a refresh token → an access token and a new refresh token.
export async function POST(req: NextRequest) {
  try {
    const form = await readForm(req);
    if (form.grant_type !== "authorization_code" && form.grant_type !== "refresh_token") {
      throw new OAuthError(form.grant_type ? "unsupported_grant_type" : "invalid_request", "grant_type must be authorization_code or refresh_token");
    }
    // Public clients identify themselves by client_id alone; a client without one is not known.
    if (!form.client_id) throw new OAuthError("invalid_client", "client_id is required");
    const parsed = ZTokenRequest.safeParse(form);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new OAuthError(issue.path[0] === "resource" ? "invalid_target" : "invalid_request", `${String(issue.path[0] ?? "request")}: ${issue.message}`);
    }
    return Response.json(await exchangeToken(parsed.data), { headers: { "cache-control": "no-store", pragma: "no-cache" } });
  } catch (error) {
    return oauthErrorResponse(error);
  }
}
