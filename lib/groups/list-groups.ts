import { db } from "../db/prisma";

/** Every approver group with its members (email, name, role) and the rules of the current policy that name it. */
export async function listGroups() {
  const [groups, rules] = await Promise.all([
    db.approverGroup.findMany({
      orderBy: { name: "asc" },
      include: { members: { include: { user: { select: { email: true, name: true, role: true, disabledAt: true } } }, orderBy: { addedAt: "asc" } } },
    }),
    db.rule.findMany({ where: { approverGroup: { not: null } }, select: { name: true, approverGroup: true } }),
  ]);
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    description: g.description,
    createdAt: g.createdAt.toISOString(),
    members: g.members.map((m) => ({ email: m.user.email, name: m.user.name, role: m.user.role, disabled: m.user.disabledAt !== null, addedBy: m.addedBy })),
    rules: rules.filter((r) => r.approverGroup === g.name).map((r) => r.name),
  }));
}
