/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  compress: false,
  // forbidden() renders app/forbidden.tsx with HTTP 403 (a reviewer opening an admin page).
  experimental: { authInterrupts: true },
  // Types are checked for the whole repository by `npm run typecheck` (CI runs it);
  // the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // Native and driver packages are loaded from node_modules at run time, not bundled.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pg", "@node-rs/argon2", "nodemailer", "web-push"],
  // The audit chain's public keys, where an auditor (or `airlock audit verify --public-key URL`) looks for them;
  // the OAuth authorization server's metadata, where MCP clients look for it (RFC 8414); and the keys
  // per-call grants are signed with, where upstream servers (jose's createRemoteJWKSet) look for them.
  async rewrites() {
    return [
      { source: "/.well-known/airlock-audit-keys.json", destination: "/api/audit/keys" },
      { source: "/.well-known/oauth-authorization-server", destination: "/api/oauth/metadata" },
      { source: "/.well-known/jwks.json", destination: "/api/grants/jwks" },
    ];
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
