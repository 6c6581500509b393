import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "../auth/auth-options";
import { signInConfig } from "../auth/oidc-config";
import { can, type TPermission } from "../auth/roles";
import { findSessionUser } from "../auth/session-user";
import { hasAnyUser } from "../users/create-user";
import type { AuthenticatedUser } from "../users/personal-tokens";
import { PAGE_PATH_HEADER, safeReturnPath } from "./page-path";

/** For pages open to the signed-out (a review link): the signed-in, still-active user, or null. */
export async function optionalPageUser(): Promise<AuthenticatedUser | null> {
  const session = await getServerSession(authOptions);
  return session?.user?.id ? findSessionUser({ userId: session.user.id, sessionVersion: session.user.sessionVersion }) : null;
}

/** For pages: the signed-in, still-active user whose session has not ended, or a redirect to setup / sign-in. */
export async function requirePageUser(callbackPath?: string): Promise<AuthenticatedUser> {
  const session = await getServerSession(authOptions);
  const user = session?.user?.id ? await findSessionUser({ userId: session.user.id, sessionVersion: session.user.sessionVersion }) : null;
  if (user) return user;
  if (signInConfig().isPasswordSignInOn && !(await hasAnyUser())) redirect("/setup");
  // The layout runs first and does not know the page: the path proxy.ts recorded brings the reviewer back to the link they opened.
  const returnTo = safeReturnPath(callbackPath ?? (await headers()).get(PAGE_PATH_HEADER));
  redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
}

/**
 * For restricted pages: the user, when their role has the permission; otherwise the
 * no-access page (app/forbidden.tsx) with HTTP 403, never a bare 404.
 */
export async function requirePagePermission(permission: TPermission, callbackPath: string): Promise<AuthenticatedUser> {
  const user = await requirePageUser(callbackPath);
  if (!can(user.role, permission)) forbidden();
  return user;
}
