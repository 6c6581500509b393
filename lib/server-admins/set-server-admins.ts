import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import type { TSetServerAdmins } from "./server-admins.types";

type Actor = { id: string; email: string };

/**
 * Replaces the servers one reviewer administers (admins manage this). Only an active
 * reviewer may hold servers: an admin already administers all of them, and an auditor's
 * role is read-only. The change is audited in the same transaction, naming the servers
 * added and removed.
 */
export async function setServerAdmins({ input, actor }: { input: TSetServerAdmins; actor: Actor }) {
  const email = input.email;
  const servers = [...new Set(input.servers)].sort();
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true, email: true, role: true, disabledAt: true } });
    if (!user) throw new AppError("invalid_input", { message: `no user has the email ${email}` });
    if (servers.length && user.disabledAt) throw new AppError("invalid_input", { message: `${email} is disabled` });
    if (servers.length && user.role !== "reviewer") {
      throw new AppError("invalid_input", {
        message: user.role === "admin" ? `${email} is an admin and administers every server already` : `${email} is an auditor: the auditor role only reads`,
      });
    }
    const before = (await tx.serverAdmin.findMany({ where: { userId: user.id }, select: { server: true } })).map((r) => r.server);
    const added = servers.filter((s) => !before.includes(s));
    const removed = before.filter((s) => !servers.includes(s));
    if (added.length || removed.length) {
      await tx.serverAdmin.deleteMany({ where: { userId: user.id, server: { in: removed } } });
      for (const server of added) await tx.serverAdmin.create({ data: { userId: user.id, server, addedBy: actor.email } });
      await appendAudit(tx, [{ kind: "server_admins_changed", actorId: actor.id, detail: { user: user.email, added, removed } }]);
    }
    return { email: user.email, servers, added, removed };
  });
}

/** Every reviewer who administers servers, and which. */
export async function listServerAdmins() {
  const rows = await db.serverAdmin.findMany({
    select: { server: true, user: { select: { email: true } } },
    orderBy: [{ user: { email: "asc" } }, { server: "asc" }],
  });
  const byEmail = new Map<string, string[]>();
  for (const row of rows) byEmail.set(row.user.email, [...(byEmail.get(row.user.email) ?? []), row.server]);
  return [...byEmail].map(([email, servers]) => ({ email, servers }));
}
