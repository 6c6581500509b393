import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TCreateGroup, TSetGroupMembers } from "./groups.types";

// Approver groups: who may decide what a rule with `approverGroup` holds. Every change is
// audited in the same transaction (a membership change names who was added and removed).

type Actor = { id: string; email: string };

export async function createGroup({ input, actor }: { input: TCreateGroup; actor: Actor }) {
  return db
    .$transaction(async (tx) => {
      const group = await tx.approverGroup.create({ data: { name: input.name, description: input.description || null } });
      await appendAudit(tx, [{ kind: "approver_group_created", actorId: actor.id, detail: { group: group.name } }]);
      return { id: group.id, name: group.name };
    })
    .catch((error) => {
      if ((error as { code?: string }).code === "P2002") throw new AppError("conflict", { message: `an approver group named "${input.name}" already exists` });
      throw error;
    });
}

/**
 * Replaces a group's members. Each must be an active user who may decide (reviewer or
 * admin); an unknown email changes nothing and names itself.
 */
export async function setGroupMembers({ groupId, input, actor }: { groupId: string; input: TSetGroupMembers; actor: Actor }) {
  return db.$transaction(async (tx) => {
    const group = await tx.approverGroup.findUnique({ where: { id: groupId }, include: { members: { include: { user: { select: { email: true } } } } } });
    if (!group) throw new AppError("not_found", { message: "no such approver group" });
    const emails = [...new Set(input.members)];
    const users = await tx.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true, role: true, disabledAt: true } });
    for (const email of emails) {
      const user = users.find((u) => u.email === email);
      if (!user) throw new AppError("invalid_input", { message: `no user has the email ${email}` });
      if (user.disabledAt) throw new AppError("invalid_input", { message: `${email} is disabled` });
      if (user.role === "auditor") throw new AppError("invalid_input", { message: `${email} is an auditor: auditors do not decide` });
    }
    const before = group.members.map((m) => m.user.email);
    const added = emails.filter((e) => !before.includes(e));
    const removed = before.filter((e) => !emails.includes(e));
    if (!added.length && !removed.length) return { id: group.id, name: group.name, members: emails, added, removed };
    await tx.approverGroupMember.deleteMany({ where: { groupId, user: { email: { in: removed } } } });
    for (const email of added) {
      await tx.approverGroupMember.create({ data: { groupId, userId: users.find((u) => u.email === email)!.id, addedBy: actor.email } });
    }
    await appendAudit(tx, [{ kind: "approver_group_members_changed", actorId: actor.id, detail: { group: group.name, added, removed } }]);
    return { id: group.id, name: group.name, members: emails, added, removed };
  });
}

/** Deletes a group no rule of the current policy names (such a rule would hold calls nobody can decide). */
export async function deleteGroup({ groupId, actor }: { groupId: string; actor: Actor }) {
  await db.$transaction(async (tx) => {
    const group = await tx.approverGroup.findUnique({ where: { id: groupId } });
    if (!group) throw new AppError("not_found", { message: "no such approver group" });
    // Named to decide, or to be escalated to (escalateTo is JSON: compared here, not in SQL).
    const rules = (await tx.rule.findMany({ select: { name: true, approverGroup: true, escalateTo: true } })).filter(
      (r) => r.approverGroup === group.name || (r.escalateTo as { group?: string } | null)?.group === group.name,
    );
    if (rules.length) {
      throw new AppError("conflict", { message: `rules name this group (${rules.map((r) => `"${r.name}"`).join(", ")}): change them first` });
    }
    await tx.approverGroup.delete({ where: { id: groupId } });
    await appendAudit(tx, [{ kind: "approver_group_deleted", actorId: actor.id, detail: { group: group.name } }]);
  });
}

/** Whether a user belongs to a group (by name): the decision's check. */
export async function isGroupMember({ groupName, userId }: { groupName: string; userId: string }): Promise<boolean> {
  const member = await db.approverGroupMember.findFirst({ where: { userId, group: { name: groupName } }, select: { userId: true } });
  return member !== null;
}
