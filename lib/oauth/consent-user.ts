import { getServerSession } from "next-auth";
import { authOptions } from "../auth/auth-options";
import { findSessionUser } from "../auth/session-user";

/** The signed-in, still-active user of the session cookie, with the session version the consent token is bound to; or null. */
export async function consentUser(): Promise<{ id: string; email: string; sessionVersion: number } | null> {
  const session = await getServerSession(authOptions);
  const sessionVersion = session?.user?.sessionVersion;
  if (!session?.user?.id || typeof sessionVersion !== "number") return null;
  const user = await findSessionUser({ userId: session.user.id, sessionVersion });
  return user ? { id: user.id, email: user.email, sessionVersion } : null;
}
