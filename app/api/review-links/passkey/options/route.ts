import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite } from "@/lib/api/with-auth";
import { linkAssertionOptions, ZLinkToken } from "@/lib/passkeys/link-step-up";
import { relyingParty, requestOrigin } from "@/lib/passkeys/relying-party";

// POST /api/review-links/passkey/options {token}: options for navigator.credentials.get, allowing only the link's reviewer's passkeys (no sign-in: the link and the passkey are the credentials).
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOriginWrite(req);
    const { token } = await parseJsonBody(req, ZLinkToken, 8_000);
    return Response.json(await linkAssertionOptions(token, relyingParty(requestOrigin(req))));
  } catch (error) {
    return handleApiError(error);
  }
}
