import { serveJwks } from "@/lib/grants/serve-jwks";

// GET /api/grants/jwks (published as /.well-known/jwks.json): the public keys bridges sign per-call grants with, for upstreams to verify them.
export const GET = serveJwks;
