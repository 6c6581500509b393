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

/** The user a personal token belongs to, or null (unknown, revoked, expired, disabled user, wrong kind). */
export async function authenticatePersonalToken(token: string): Promise<AuthenticatedUser | null> {
  if (tokenKind(token) !== "pat") return null;
  const row = await db.personalToken.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, revokedAt: true, expiresAt: true, lastUsedAt: true, user: { select: { id: true, email: true, role: true, disabledAt: true } } },
  });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) return null;
  // Recorded at most once a minute per token: cheap on a busy API client.
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) {
    await db.personalToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: row.user.id, email: row.user.email, role: row.user.role as TRole };
}

/** A signed-in user creates a token for themselves; it is returned once, only its hash and prefix are kept. */
export async function createOwnToken({ user, name, expiresAt }: { user: AuthenticatedUser; name: string; expiresAt: Date | null }) {
  const { token, tokenHash, prefix } = generateToken("pat");
  const row = await db
    .$transaction(async (tx) => {
      const row = await tx.personalToken.create({
        data: { userId: user.id, name, tokenHash, prefix, expiresAt },
        select: { id: true, name: true, prefix: true, createdAt: true, expiresAt: true },
      });
      await appendAudit(tx, [
        { kind: "token_created", actorId: user.id, detail: { userId: user.id, email: user.email, name, prefix, expiresAt: expiresAt?.toISOString() ?? null } },
      ]);
      return row;
    })
    .catch((error) => {
      if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", { message: `you already have a token named "${name}"` });
      throw error;
    });
  return { ...tokenView({ ...row, lastUsedAt: null, revokedAt: null }), token };
}

function tokenView(t: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null; revokedAt: Date | null }) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** A user's own tokens, newest first (never the token or its hash). */
export async function listOwnTokens(userId: string) {
  const rows = await db.personalToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
  return rows.map(tokenView);
}

/** Revokes one of the user's own tokens (another user's token is "not found": ids are not probed). */
export async function revokeOwnToken({ user, id }: { user: AuthenticatedUser; id: string }) {
  return db.$transaction(async (tx) => {
    const row = await tx.personalToken.findFirst({ where: { id, userId: user.id }, select: { id: true, name: true, prefix: true, revokedAt: true } });
    if (!row) throw new AppError("not_found", { message: "no such token" });
    if (row.revokedAt) return { id: row.id, revokedAt: row.revokedAt.toISOString() };
    const revokedAt = new Date();
    await tx.personalToken.update({ where: { id }, data: { revokedAt } });
    await appendAudit(tx, [{ kind: "token_revoked", actorId: user.id, detail: { userId: user.id, email: user.email, name: row.name, prefix: row.prefix } }]);
    return { id: row.id, revokedAt: revokedAt.toISOString() };
  });
}
