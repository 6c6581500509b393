import { randomBytes } from "node:crypto";
import { appendAudit } from "../audit/chain";
import { hashPassword } from "../auth/passwords";
import type { TRole } from "../auth/roles";
import { generateToken, hashToken, tokenKind } from "../auth/tokens";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { disconnectUserSockets } from "../realtime/disconnect-user";
import { type Actor, END_SESSIONS } from "./update-user";

// What an admin does with people from the dashboard: invite, list, reset a password.
// New users and resets get a one-time set-password link rather than a password: the
// admin never learns the user's password, the link works once, expires, and only its
// SHA-256 is stored (README: Users).

/** How long a set-password link works. */
export const SET_PASSWORD_TTL_MS = 48 * 3600_000;

/** A password nobody knows: the account cannot be signed into until its link is used. */
const unusablePasswordHash = () => hashPassword(randomBytes(32).toString("base64url"));

/** The page a set-password link opens; the token rides in the fragment, so it never reaches a server log or a Referer. */
export const setPasswordPath = (token: string) => `/set-password#token=${token}`;

export interface UserRow {
  id: string;
  email: string;
  name: string | null;
  role: TRole;
  status: "active" | "disabled" | "invited";
  createdAt: string;
  lastSignInAt: string | null;
  /** How the user signs in: with a password (one was set, or a link to set one is pending), single sign-on, or both. */
  signInMethods: ("password" | "sso")[];
}

export async function listUsers(): Promise<UserRow[]> {
  const users = await db.user.findMany({
    orderBy: { email: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      createdAt: true,
      lastSignInAt: true,
      setPasswordHash: true,
      hasPassword: true,
      _count: { select: { oidcIdentities: true } },
    },
  });
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as TRole,
    // Invited: has a pending link and has never signed in.
    status: u.disabledAt ? "disabled" : u.setPasswordHash && !u.lastSignInAt ? "invited" : "active",
    createdAt: u.createdAt.toISOString(),
    lastSignInAt: u.lastSignInAt?.toISOString() ?? null,
    signInMethods: [...(u.hasPassword || u.setPasswordHash ? (["password"] as const) : []), ...(u._count.oidcIdentities ? (["sso"] as const) : [])],
  }));
}

/** Creates a user who sets their own password through a one-time link (returned once). */
export async function inviteUser({ email, role, name, by }: { email: string; role: TRole; name?: string; by: Actor }) {
  const { token, tokenHash } = generateToken("setpw");
  const passwordHash = await unusablePasswordHash();
  const expiresAt = new Date(Date.now() + SET_PASSWORD_TTL_MS);
  const user = await db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new AppError("conflict", { message: `a user with email ${email} already exists` });
    }
    const user = await tx.user.create({
      data: { email, name: name ?? null, role, passwordHash, setPasswordHash: tokenHash, setPasswordExpiresAt: expiresAt },
      select: { id: true, email: true, name: true, role: true },
    });
    await appendAudit(tx, [
      { kind: "user_created", actorId: by.id ?? null, detail: { userId: user.id, email, role, by: by.email ?? "cli", via: "set-password link" } },
    ]);
    return user;
  });
  return { user, setPasswordToken: token, setPasswordPath: setPasswordPath(token), expiresAt: expiresAt.toISOString() };
}

/**
 * A new one-time set-password link for a user. Their old password stops working and their
 * sessions end at once (a reset is for a forgotten or exposed password); the link is shown once.
 */
export async function resetPassword({ id, by }: { id: string; by: Actor }) {
  const { token, tokenHash } = generateToken("setpw");
  const passwordHash = await unusablePasswordHash();
  const expiresAt = new Date(Date.now() + SET_PASSWORD_TTL_MS);
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id }, select: { id: true, email: true } });
    if (!user) throw new AppError("not_found", { message: "no such user" });
    await tx.user.update({ where: { id }, data: { passwordHash, setPasswordHash: tokenHash, setPasswordExpiresAt: expiresAt, ...END_SESSIONS } });
    await appendAudit(tx, [{ kind: "user_password_reset", actorId: by.id ?? null, detail: { userId: id, email: user.email, by: by.email ?? "cli" } }]);
  });
  await disconnectUserSockets(id);
  return { setPasswordToken: token, setPasswordPath: setPasswordPath(token), expiresAt: expiresAt.toISOString() };
}

/** The person with a set-password link chooses their password; the link is spent, earlier sessions end. */
export async function setPasswordWithLink({ token, password }: { token: string; password: string }) {
  const refused = new AppError("bad_request", {
    message: "this set-password link is not valid: it was used, replaced, or has expired; ask an admin for a new one",
  });
  if (tokenKind(token) !== "setpw") throw refused;
  const tokenHash = hashToken(token);
  const passwordHash = await hashPassword(password);
  const user = await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({
      where: { setPasswordHash: tokenHash },
      select: { id: true, email: true, disabledAt: true, setPasswordExpiresAt: true },
    });
    if (!user || user.disabledAt || !user.setPasswordExpiresAt || user.setPasswordExpiresAt.getTime() < Date.now()) throw refused;
    // Compare-and-set on the hash: two uses of one link at once cannot both succeed.
    const { count } = await tx.user.updateMany({
      where: { id: user.id, setPasswordHash: tokenHash },
      data: { passwordHash, hasPassword: true, setPasswordHash: null, setPasswordExpiresAt: null, ...END_SESSIONS },
    });
    if (count !== 1) throw refused;
    await appendAudit(tx, [{ kind: "user_password_set", actorId: user.id, detail: { userId: user.id, email: user.email, via: "set-password link" } }]);
    return user;
  });
  await disconnectUserSockets(user.id);
  return { email: user.email };
}
