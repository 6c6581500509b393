import type { NextRequest } from "next/server";
import { getServerSession } from "next-auth";
import { authOptions } from "../auth/auth-options";
import { can, type TPermission } from "../auth/roles";
import { findSessionUser } from "../auth/session-user";
import { AppError } from "../errors/app-error";
import { classifyHeaders } from "../security/request-origin";
import { type AuthenticatedUser, authenticatePersonalToken } from "../users/personal-tokens";
import { handleApiError } from "./handle-api-error";

type RouteContext<P> = { params: Promise<P> };
export type AuthedHandler<P> = (req: NextRequest, ctx: { params: P; user: AuthenticatedUser }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function bearer(req: Request): string | null {
  const header = req.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

/**
 * A cookie-authenticated write must come from our own pages (CSRF, on top of
 * SameSite=Lax and the application/json requirement): a foreign Origin, `Origin: null`
 * (sandboxed frames, file: pages) or a cross-site Sec-Fetch-Site is a 403.
 * A request with neither header is no browser's (browsers send Origin on every write).
 */
export function assertSameOriginWrite(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (classifyHeaders(req.headers) === "foreign") throw new AppError("forbidden", { message: "cross-origin request refused" });
}

/**
 * The caller, from a personal token or the session cookie. Bearer requests are not
 * checked for Origin: a browser never attaches the token by itself, so a foreign page
 * cannot make a request carry it, and the API answers no CORS preflight, so a page
 * cannot even send an Authorization header cross-origin.
 */
export async function resolveUser(req: NextRequest): Promise<AuthenticatedUser | null> {
  const token = bearer(req);
  if (token) return authenticatePersonalToken(token);
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  assertSameOriginWrite(req);
  return findSessionUser({ userId: session.user.id, sessionVersion: session.user.sessionVersion });
}

/**
 * Wraps a route handler with authentication (session cookie or personal token),
 * the permission check, and error mapping, so no route can forget any of them.
 */
export function withAuth<P = Record<string, never>>(handler: AuthedHandler<P>, options: { permission: TPermission }) {
  return async (req: NextRequest, ctx: RouteContext<P>): Promise<Response> => {
    try {
      const user = await resolveUser(req);
      if (!user) throw new AppError("unauthorized", { message: "sign in or send a valid personal access token" });
      if (!can(user.role, options.permission)) {
        throw new AppError("forbidden", { message: `the ${user.role} role may not do this` });
      }
      return await handler(req, { params: await ctx.params, user });
    } catch (error) {
      return handleApiError(error);
    }
  };
}
