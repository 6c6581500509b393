import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "../auth/auth-options";
import { findSessionUser } from "../auth/session-user";
import { hasAnyUser } from "../users/create-user";
import type { AuthenticatedUser } from "../users/personal-tokens";

/** For pages: the signed-in, still-active user whose session has not ended, or a redirect to setup / sign-in. */
export async function requirePageUser(callbackPath = "/"): Promise<AuthenticatedUser> {
  const session = await getServerSession(authOptions);
  const user = session?.user?.id ? await findSessionUser({ userId: session.user.id, sessionVersion: session.user.sessionVersion }) : null;
  if (user) return user;
  if (!(await hasAnyUser())) redirect("/setup");
  redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
}
