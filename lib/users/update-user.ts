import { appendAudit } from "../audit/chain";
import type { TRole } from "../auth/roles";
import { db, type Prisma } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { disconnectUserSockets } from "../realtime/disconnect-user";

type Tx = Prisma.TransactionClient;

// Both changes raise the session version in the same write, so no request can be
// served by an old session under the new state, even for a moment.
export const END_SESSIONS = { sessionVersion: { increment: 1 } } as const;

/** A user named by id (the dashboard) or by email (the CLI). */
export type TUserRef = { id: string } | { email: string };
/** Who made a change: a signed-in user, or the CLI. */
export interface Actor {
  id?: string;
  email?: string;
}

const whereOf = (ref: TUserRef) => ("id" in ref ? { id: ref.id } : { email: ref.email.toLowerCase() });
const nameOf = (ref: TUserRef) => ("id" in ref ? ref.id : ref.email);

/**
 * Locks every admin row for the rest of the transaction (PostgreSQL row locks; SQLite
 * serialises writers anyway), so two admins demoting or disabling each other at once
 * cannot both pass the last-admin check and leave nobody able to administer.
 */
async function lockAdmins(tx: Tx): Promise<void> {
  await tx.$executeRawUnsafe(`UPDATE "User" SET "sessionVersion" = "sessionVersion" WHERE "role" = 'admin'`);
}

/** Refuses a change that would leave no enabled admin. */
async function assertNotLastAdmin(tx: Tx, user: { id: string; role: string; disabledAt: Date | null }, what: string): Promise<void> {
  if (user.role !== "admin" || user.disabledAt) return;
  const others = await tx.user.count({ where: { role: "admin", disabledAt: null, id: { not: user.id } } });
  if (others === 0) throw new AppError("conflict", { message: `${what} would leave no enabled admin: make another user an admin first` });
}

/** Disables (or re-enables) a user; either way their sessions end, so re-enabling does not revive old cookies. */
export async function setUserDisabled({ isDisabled, by, ...ref }: TUserRef & { isDisabled: boolean; by?: Actor }): Promise<{ id: string }> {
  const id = await db.$transaction(async (tx) => {
    await lockAdmins(tx);
    const user = await tx.user.findUnique({ where: whereOf(ref), select: { id: true, email: true, role: true, disabledAt: true } });
    if (!user) throw new AppError("not_found", { message: `no user ${nameOf(ref)}` });
    if (isDisabled) await assertNotLastAdmin(tx, user, `disabling ${user.email}`);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: isDisabled ? (user.disabledAt ?? new Date()) : null, ...END_SESSIONS } });
    await appendAudit(tx, [
      {
        kind: isDisabled ? "user_disabled" : "user_enabled",
        actorId: by?.id ?? null,
        detail: { userId: user.id, email: user.email, by: by?.email ?? "cli" },
      },
    ]);
    return user.id;
  });
  await disconnectUserSockets(id);
  return { id };
}

/** Changes a user's role and ends their sessions: they sign in again under the new role. */
export async function setUserRole({ role, by, ...ref }: TUserRef & { role: TRole; by?: Actor }): Promise<{ id: string }> {
  const id = await db.$transaction(async (tx) => {
    await lockAdmins(tx);
    const user = await tx.user.findUnique({ where: whereOf(ref), select: { id: true, email: true, role: true, disabledAt: true } });
    if (!user) throw new AppError("not_found", { message: `no user ${nameOf(ref)}` });
    if (role !== "admin") await assertNotLastAdmin(tx, user, `making ${user.email} ${role === "auditor" ? "an" : "a"} ${role}`);
    await tx.user.update({ where: { id: user.id }, data: { role, ...END_SESSIONS } });
    await appendAudit(tx, [
      {
        kind: "user_role_changed",
        actorId: by?.id ?? null,
        detail: { userId: user.id, email: user.email, from: user.role, to: role, by: by?.email ?? "cli" },
      },
    ]);
    return user.id;
  });
  await disconnectUserSockets(id);
  return { id };
}
