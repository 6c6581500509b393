import { authorizationServerMetadata } from "@/lib/oauth/server-metadata";

export const dynamic = "force-dynamic";

// GET /api/oauth/metadata (also /.well-known/oauth-authorization-server): RFC 8414 metadata, public.
export async function GET() {
  return Response.json(authorizationServerMetadata(), { headers: { "cache-control": "public, max-age=300" } });
}
