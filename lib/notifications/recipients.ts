import { db } from "../db/prisma";
import { isSameIdentity } from "../identity/normalize-identity";

export interface AlertRecipient {
  id: string;
  email: string;
  emailAlerts: boolean;
}

const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Who is alerted to a request: every active user who may decide it (admins, and reviewers
 * unless it needs an admin), except the principal it was made for (nobody approves their own call).
 */
export async function recipientsFor(approval: { approverRole: string; principal: string | null }): Promise<AlertRecipient[]> {
  const roles = approval.approverRole === "admin" ? (["admin"] as const) : (["admin", "reviewer"] as const);
  const users = await db.user.findMany({
    where: { disabledAt: null, role: { in: [...roles] } },
    select: { id: true, email: true, emailAlerts: true },
    orderBy: { createdAt: "asc" },
  });
  return users.filter((u) => !isSameIdentity(approval.principal, u.email));
}

export const hasEmailAddress = (email: string | null | undefined): email is string => !!email && PLAUSIBLE_EMAIL.test(email);
