import type { NextRequest } from "next/server";
import { ZRegisterClient } from "@/lib/oauth/oauth.types";
import { OAuthError, oauthErrorResponse } from "@/lib/oauth/oauth-error";
import { registerClient } from "@/lib/oauth/register-client";
import { CLIENT_ADDRESS_HEADER } from "@/lib/server/client-address";

// POST /api/oauth/register: RFC 7591 dynamic client registration of a public MCP client (open, rate-limited).
export async function POST(req: NextRequest) {
  try {
    const mediaType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
    if (mediaType !== "application/json") throw new OAuthError("invalid_client_metadata", "the body must be application/json");
    const text = await req.text();
    if (text.length > 32_768) throw new OAuthError("invalid_client_metadata", "the body is larger than 32768 bytes");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OAuthError("invalid_client_metadata", "the body is not JSON");
    }
    const parsed = ZRegisterClient.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const code = issue.path[0] === "redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata";
      throw new OAuthError(code, `${issue.path.join(".") || "body"}: ${issue.message}`);
    }
    const address = req.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
    return Response.json(await registerClient({ input: parsed.data, address }), { status: 201, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return oauthErrorResponse(error);
  }
}
