import { oauthJwks } from "@/lib/oauth/signing-key";

export const dynamic = "force-dynamic";

// GET /api/oauth/jwks: the keys that verify OAuth access tokens (bridges fetch and cache them). Public on purpose.
export async function GET() {
  return Response.json(oauthJwks(), { headers: { "cache-control": "public, max-age=300" } });
}
