import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { authOptions } from "../auth/auth-options";
import { hasAnyUser } from "../users/create-user";
import { findActiveUser, type AuthenticatedUser } from "../users/personal-tokens";

/** For pages: the signed-in, still-active user, or a redirect to setup / sign-in. */
export async function requirePageUser(callbackPath = "/"): Promise<AuthenticatedUser> {
  const session = await getServerSession(authOptions);
  const user = session?.user?.id ? await findActiveUser(session.user.id) : null;
  if (user) return user;
  if (!(await hasAnyUser())) redirect("/setup");
  redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
}
