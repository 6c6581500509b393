import { getServerSession } from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "../auth/auth-options";
import { can, type TPermission } from "../auth/roles";
import { AppError } from "../errors/app-error";
import { authenticatePersonalToken, findActiveUser, type AuthenticatedUser } from "../users/personal-tokens";
import { handleApiError } from "./handle-api-error";

type RouteContext<P> = { params: Promise<P> };
export type AuthedHandler<P> = (req: NextRequest, ctx: { params: P; user: AuthenticatedUser }) => Promise<Response>;

function bearer(req: Request): string | null {
  const header = req.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

/** A cookie-authenticated write must come from our own origin (defence in depth on top of SameSite=Lax). */
function assertSameOrigin(req: NextRequest) {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  if (origin && new URL(origin).host !== req.headers.get("host")) {
    throw new AppError("forbidden", { message: "cross-origin request refused" });
  }
}

export async function resolveUser(req: NextRequest): Promise<AuthenticatedUser | null> {
  const token = bearer(req);
  if (token) return authenticatePersonalToken(token);
  const session = await getServerSession(authOptions);
  if (!session?.user?.id) return null;
  assertSameOrigin(req);
  return findActiveUser(session.user.id);
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
