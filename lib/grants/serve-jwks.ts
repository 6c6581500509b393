import { handleApiError } from "../api/handle-api-error";
import { listGrantKeys } from "./list-grant-keys";

/** GET /.well-known/jwks.json: the public keys per-call grants are signed with. Public, cacheable briefly. */
export async function serveJwks(): Promise<Response> {
  try {
    // 5 s: a bridge signs with a new key only 15 s after publishing it, so a cached set (and jose's refetch on an unknown kid) always finds it.
    return Response.json(await listGrantKeys(), { headers: { "cache-control": "public, max-age=5", "content-type": "application/jwk-set+json" } });
  } catch (error) {
    return handleApiError(error);
  }
}
