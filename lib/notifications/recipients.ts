import { db } from "../db/prisma";
import { isSameIdentity, normalizeIdentity } from "../identity/normalize-identity";
import type { TApprovalEventType } from "./events";

export interface AlertRecipient {
  id: string;
  email: string;
  emailAlerts: boolean;
}

const PLAUSIBLE_EMAIL = /^[^\s@]+@[^\s@]+$/;

const USER_FIELDS = { id: true, email: true, emailAlerts: true, role: true, disabledAt: true } as const;

/**
 * Who is alerted to a request: every active user who may decide it (admins, and
 * reviewers unless it needs an admin); on escalation, the rule's `escalateTo`
 * instead (a role, named users, or an approver group's members, among those who may decide). A user who is
 * away is replaced by their delegate when the delegate may decide it too. The
 * principal it was made for is never alerted (nobody approves their own call). A request
 * for an approver group alerts that group's members only.
 */
export async function recipientsFor(
  approval: { approverRole: string; approverGroup?: string | null; principal: string | null; escalateTo?: unknown },
  type: TApprovalEventType = "approval.created",
  now = new Date(),
): Promise<AlertRecipient[]> {
  const mayDecide = approval.approverRole === "admin" ? ["admin"] : ["admin", "reviewer"];
  const target = type === "approval.escalated" ? approval.escalateTo : undefined;
  const roles = target === "admin" ? ["admin"] : mayDecide;
  const emails = Array.isArray(target) ? target.filter((e): e is string => typeof e === "string").map(normalizeIdentity) : null;
  // Escalated to a group: its members (who may decide) are alerted.
  const escalationGroup = target && typeof target === "object" && !Array.isArray(target) ? (target as { group?: unknown }).group : undefined;
  // A group request: only its members may decide, so only they (or their delegates in it) are alerted.
  const memberOf = (name: string) => ({ approverGroups: { some: { group: { name } } } });
  const groups = [
    ...(approval.approverGroup ? [memberOf(approval.approverGroup)] : []),
    ...(typeof escalationGroup === "string" ? [memberOf(escalationGroup)] : []),
  ];
  const users = await db.user.findMany({
    where: { disabledAt: null, role: { in: roles as ("admin" | "reviewer")[] }, ...(emails ? { email: { in: emails } } : {}), AND: groups },
    select: {
      ...USER_FIELDS,
      awayUntil: true,
      delegate: { select: { ...USER_FIELDS, approverGroups: { select: { group: { select: { name: true } } } } } },
    },
    orderBy: { createdAt: "asc" },
  });
  const out = new Map<string, AlertRecipient>();
  for (const u of users) {
    const d = u.delegate;
    const delegateMayDecide =
      !!d && !d.disabledAt && mayDecide.includes(d.role) && (!approval.approverGroup || d.approverGroups.some((m) => m.group.name === approval.approverGroup));
    const isAway = !!u.awayUntil && u.awayUntil > now && delegateMayDecide;
    const who = isAway ? d! : u;
    if (!isSameIdentity(approval.principal, who.email)) out.set(who.id, { id: who.id, email: who.email, emailAlerts: who.emailAlerts });
  }
  return [...out.values()];
}

export const hasEmailAddress = (email: string | null | undefined): email is string => !!email && PLAUSIBLE_EMAIL.test(email);
