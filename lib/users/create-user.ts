import { appendAudit } from "../audit/chain";
import { hashPassword } from "../auth/passwords";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TCreateUser } from "./users.types";

const PUBLIC_USER = { id: true, email: true, name: true, role: true, createdAt: true } as const;

export async function createUser(input: TCreateUser & { by?: string }) {
  const existing = await db.user.findUnique({ where: { email: input.email } });
  if (existing) throw new AppError("conflict", { message: `a user with email ${input.email} already exists` });
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash }, select: PUBLIC_USER });
    await appendAudit(tx, [{ kind: "user_created", detail: { userId: user.id, email: user.email, role: user.role, by: input.by ?? "cli" } }]);
    return user;
  });
}

/**
 * First-run setup: creates the first admin only while no user exists. The check
 * and the insert share a transaction so two racing setups cannot both succeed.
 */
export async function createFirstAdmin(input: Omit<TCreateUser, "role">) {
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new AppError("conflict", { message: "setup is already complete" });
    const user = await tx.user.create({ data: { email: input.email, name: input.name, role: "admin", passwordHash }, select: PUBLIC_USER });
    await appendAudit(tx, [{ kind: "user_created", actorId: user.id, detail: { userId: user.id, email: user.email, role: user.role, by: "first-run setup" } }]);
    return user;
  });
}

export async function hasAnyUser(): Promise<boolean> {
  return (await db.user.count()) > 0;
}
