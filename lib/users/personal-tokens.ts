import { appendAudit } from "../audit/chain";
import type { TRole } from "../auth/roles";
import { generateToken, hashToken, tokenKind } from "../auth/tokens";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { normalizeIdentity } from "../identity/normalize-identity";

export interface AuthenticatedUser {
  id: string;
  email: string;
  role: TRole;
}

/** Creates a personal access token for a user; returns the token once. */
export async function createPersonalToken({ email, name }: { email: string; name: string }) {
  const user = await db.user.findUnique({ where: { email: normalizeIdentity(email) } });
  if (!user) throw new AppError("not_found", { message: `no user with email ${email}` });
  const { token, tokenHash, prefix } = generateToken("pat");
  try {
    await db.$transaction(async (tx) => {
      await tx.personalToken.create({ data: { userId: user.id, name, tokenHash, prefix } });
      // The prefix names the token in the trail; the token and its hash never enter it.
      await appendAudit(tx, [{ kind: "token_created", detail: { userId: user.id, email: user.email, name, prefix } }]);
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") {
      throw new AppError("conflict", { message: `${email} already has a token named "${name}"` });
    }
    throw error;
  }
  return { token, name, email: user.email };
}

/** The user a personal token belongs to, or null (unknown, revoked, disabled user, wrong kind). */
export async function authenticatePersonalToken(token: string): Promise<AuthenticatedUser | null> {
  if (tokenKind(token) !== "pat") return null;
  const row = await db.personalToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, role: true, disabledAt: true } } },
  });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.personalToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: row.user.id, email: row.user.email, role: row.user.role as TRole };
}
