import { z } from "zod";
import { appendAudit } from "../audit/chain";
import { can, type TRole } from "../auth/roles";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { normalizeIdentity } from "../identity/normalize-identity";
import type { AuthenticatedUser } from "./personal-tokens";

export const ZDelegation = z
  .object({
    /** Who receives this reviewer's alerts while they are away; null clears it. */
    delegateEmail: z.string().trim().min(3).max(300).nullable(),
    /** Away until (ISO 8601, in the future, at most 90 days ahead); null: not away. */
    until: z.iso.datetime({ offset: true }).nullable(),
  })
  .strict();
export type TDelegation = z.infer<typeof ZDelegation>;

const MAX_AWAY_MS = 90 * 24 * 3600 * 1000;

export async function getDelegation(userId: string) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { awayUntil: true, delegate: { select: { email: true } } } });
  return { delegateEmail: user.delegate?.email ?? null, until: user.awayUntil?.toISOString() ?? null, isAway: !!user.awayUntil && user.awayUntil > new Date() };
}

/**
 * Sets (or clears) a reviewer's away delegate. The delegate must be another
 * active user who may decide requests; delegation forwards alerts only — it
 * grants no permission, and the delegate decides under their own name.
 */
export async function setDelegation(user: AuthenticatedUser, input: TDelegation) {
  if ((input.delegateEmail === null) !== (input.until === null)) {
    throw new AppError("invalid_input", { message: "give both a delegate and an end time, or neither (to clear)" });
  }
  let delegateId: string | null = null;
  let until: Date | null = null;
  if (input.delegateEmail && input.until) {
    until = new Date(input.until);
    if (until.getTime() <= Date.now()) throw new AppError("invalid_input", { message: "the end of the absence must be in the future" });
    if (until.getTime() - Date.now() > MAX_AWAY_MS) throw new AppError("invalid_input", { message: "an absence can be set at most 90 days ahead" });
    const email = normalizeIdentity(input.delegateEmail);
    const delegate = await db.user.findUnique({ where: { email }, select: { id: true, role: true, disabledAt: true } });
    if (!delegate || delegate.disabledAt) throw new AppError("invalid_input", { message: `no active user ${email}` });
    if (delegate.id === user.id) throw new AppError("invalid_input", { message: "you cannot delegate to yourself" });
    if (!can(delegate.role as TRole, "approvals:decide"))
      throw new AppError("invalid_input", { message: `${email} may not decide requests (role ${delegate.role})` });
    delegateId = delegate.id;
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { delegateId, awayUntil: until } });
    await appendAudit(tx, [
      {
        kind: "delegation_set",
        actorId: user.id,
        detail: { user: user.email, delegate: input.delegateEmail ? normalizeIdentity(input.delegateEmail) : null, until: input.until },
      },
    ]);
  });
  return getDelegation(user.id);
}
