import { appendAudit } from "../audit/chain";
import type { TRole } from "../auth/roles";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { disconnectUserSockets } from "../realtime/disconnect-user";

// Both changes raise the session version in the same write, so no request can be
// served by an old session under the new state, even for a moment.
const END_SESSIONS = { sessionVersion: { increment: 1 } } as const;

async function userIdByEmail(email: string): Promise<string> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, select: { id: true } });
  if (!user) throw new AppError("not_found", { message: `no user with email ${email}` });
  return user.id;
}

/** Disables (or re-enables) a user; either way their sessions end, so re-enabling does not revive old cookies. */
export async function setUserDisabled({ email, isDisabled }: { email: string; isDisabled: boolean }): Promise<void> {
  const id = await userIdByEmail(email);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id }, data: { disabledAt: isDisabled ? new Date() : null, ...END_SESSIONS } });
    await appendAudit(tx, [{ kind: isDisabled ? "user_disabled" : "user_enabled", detail: { userId: id, email: email.toLowerCase() } }]);
  });
  await disconnectUserSockets(id);
}

/** Changes a user's role and ends their sessions: they sign in again under the new role. */
export async function setUserRole({ email, role }: { email: string; role: TRole }): Promise<void> {
  const id = await userIdByEmail(email);
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id }, select: { role: true } });
    await tx.user.update({ where: { id }, data: { role, ...END_SESSIONS } });
    await appendAudit(tx, [{ kind: "user_role_changed", detail: { userId: id, email: email.toLowerCase(), from: before.role, to: role } }]);
  });
  await disconnectUserSockets(id);
}
