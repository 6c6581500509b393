import { randomBytes } from "node:crypto";
import { sha256Hex } from "../crypto/canonical-hash";

/**
 * pat: personal access token; bridge: a bridge's token; setpw: a one-time set-password link;
 * oauth_code / oauth_refresh: an OAuth authorization code and refresh token (lib/oauth).
 */
export type TTokenKind = "pat" | "bridge" | "setpw" | "oauth_code" | "oauth_refresh";

const PREFIX: Record<TTokenKind, string> = { pat: "alk_pat_", bridge: "alk_brg_", setpw: "alk_set_", oauth_code: "alk_oac_", oauth_refresh: "alk_ort_" };

/**
 * A new random token (256 bits). Only its SHA-256 is stored: the token has full
 * entropy, so a fast hash is enough and lookups stay O(1) by unique index.
 */
export function generateToken(kind: TTokenKind): { token: string; tokenHash: string; prefix: string } {
  const token = PREFIX[kind] + randomBytes(32).toString("base64url");
  return { token, tokenHash: hashToken(token), prefix: token.slice(0, PREFIX[kind].length + 4) };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function tokenKind(token: string): TTokenKind | null {
  if (token.startsWith(PREFIX.pat)) return "pat";
  if (token.startsWith(PREFIX.bridge)) return "bridge";
  if (token.startsWith(PREFIX.setpw)) return "setpw";
  if (token.startsWith(PREFIX.oauth_code)) return "oauth_code";
  if (token.startsWith(PREFIX.oauth_refresh)) return "oauth_refresh";
  return null;
}
