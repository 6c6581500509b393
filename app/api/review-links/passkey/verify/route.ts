import { handleApiError, parseJsonBody } from "@/lib/api/handle-api-error";
import { assertSameOriginWrite } from "@/lib/api/with-auth";
import { STEP_UP_COOKIE, verifyLinkAssertion, ZLinkAssertion } from "@/lib/passkeys/link-step-up";
import { relyingParty, requestOrigin } from "@/lib/passkeys/relying-party";

// POST /api/review-links/passkey/verify {token, response}: verifies the link's reviewer's passkey assertion and sets the
// step-up cookie (HttpOnly, SameSite=Strict, 5 minutes, single-use) that lets the link's page show the request and decide.
export async function POST(req: Request): Promise<Response> {
  try {
    assertSameOriginWrite(req);
    const body = await parseJsonBody(req, ZLinkAssertion, 64_000);
    const rp = relyingParty(requestOrigin(req));
    const { stepUpToken, maxAgeSeconds } = await verifyLinkAssertion(body, rp);
    const secure = rp.origin.startsWith("https:") ? "; Secure" : "";
    return Response.json(
      { confirmed: true },
      {
        headers: {
          "set-cookie": `${STEP_UP_COOKIE}=${stepUpToken}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure}`,
          "cache-control": "no-store",
        },
      },
    );
  } catch (error) {
    return handleApiError(error);
  }
}
