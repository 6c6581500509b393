// OAuth endpoints answer in the shape RFC 6749 §5.2 and RFC 7591 §3.2.2 fix
// (`{"error": "invalid_grant", "error_description": "…"}`), not the REST API's
// `{"error": {"code", "message"}}`: standard clients (the MCP SDK's among them)
// parse exactly that shape to decide whether to refresh, re-register or sign in again.
import { dashboardLog } from "../observability/dashboard-log";

/** The error codes of RFC 6749 (§4.1.2.1, §5.2) and RFC 7591 (§3.2.2) that this server uses. */
export type TOAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "temporarily_unavailable"
  | "server_error";

const STATUS: Record<TOAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  access_denied: 403,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  temporarily_unavailable: 429,
  server_error: 500,
};

export class OAuthError extends Error {
  readonly code: TOAuthErrorCode;

  constructor(code: TOAuthErrorCode, description: string) {
    super(description);
    this.code = code;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** Any thrown value as an OAuth error answer; unknown errors are logged and become `server_error`, never a stack trace. */
export function oauthErrorResponse(error: unknown): Response {
  const known = error instanceof OAuthError ? error : null;
  if (!known) dashboardLog().error("OAuth endpoint failed", error);
  const code = known?.code ?? "server_error";
  const description = known?.message ?? "internal error";
  return Response.json(
    { error: code, error_description: description },
    // Token answers and their errors must never be cached (RFC 6749 §5.1).
    { status: STATUS[code], headers: { "cache-control": "no-store", pragma: "no-cache" } },
  );
}
