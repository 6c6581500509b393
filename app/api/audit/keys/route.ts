import { publicJwks } from "@/lib/audit/signing-key";
import { verificationKeys } from "@/lib/audit/verify-chain";

export const dynamic = "force-dynamic";

// GET /api/audit/keys (also /.well-known/airlock-audit-keys.json): the public keys that verify the
// audit chain's checkpoints and exports, as a JWKS. Public on purpose: a key that verifies hides nothing.
export async function GET() {
  return Response.json(publicJwks(verificationKeys()), { headers: { "cache-control": "public, max-age=300" } });
}
