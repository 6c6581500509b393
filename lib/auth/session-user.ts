import { db } from "../db/prisma";
import { placeholders } from "../db/raw-sql";
import { disconnectUserSockets } from "../realtime/disconnect-user";
import type { AuthenticatedUser } from "../users/personal-tokens";
import type { TRole } from "./roles";

/** What a session cookie claims: the user and the session version it was issued under. */
export interface SessionClaim {
  userId: string;
  /** Absent in cookies issued before versions existed: such a cookie is refused (fail closed). */
  sessionVersion?: number;
}

/**
 * The user behind a session cookie, or null. The cookie is a signed JWT that stays
 * valid until it expires, so it is honoured only while its version is the user's
 * current one: sign-out, disabling and a role change raise the version and so end
 * every session issued before. Re-read on every request (one query, as before).
 */
export async function findSessionUser({ userId, sessionVersion }: SessionClaim): Promise<AuthenticatedUser | null> {
  if (typeof sessionVersion !== "number") return null;
  // Raw: every signed-in request pays this read, and a Prisma model query compiles its plan in WebAssembly first.
  const [user] = await db.$queryRawUnsafe<{ id: string; email: string; role: string; disabledAt: Date | null; sessionVersion: number }[]>(
    placeholders(`SELECT "id", "email", "role", "disabledAt", "sessionVersion" FROM "User" WHERE "id" = $1`),
    userId,
  );
  if (!user || user.disabledAt || user.sessionVersion !== sessionVersion) return null;
  return { id: user.id, email: user.email, role: user.role as TRole };
}

/**
 * Ends the user's sessions: raises the version, then closes their open sockets.
 * With `onlyVersion`, only if that is still the current version, so replaying an
 * already-ended cookie to the sign-out endpoint cannot sign the user out again.
 */
export async function endSessions({ userId, onlyVersion }: { userId: string; onlyVersion?: number }): Promise<void> {
  const { count } = await db.user.updateMany({
    where: { id: userId, ...(onlyVersion === undefined ? {} : { sessionVersion: onlyVersion }) },
    data: { sessionVersion: { increment: 1 } },
  });
  if (count) await disconnectUserSockets(userId);
}
