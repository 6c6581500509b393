import { serveJwks } from "@/lib/grants/serve-jwks";

// GET /.well-known/jwks.json: the public keys bridges sign per-call grants with (JWKS), for upstream servers to verify them.
export const GET = serveJwks;
export const dynamic = "force-dynamic";
