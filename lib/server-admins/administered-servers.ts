import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";

// Per-server admins: an admin administers every server; a reviewer may be given some servers,
// whose tools (enable, disable, re-approve a changed definition) and upstream secrets they then
// manage. Rules, tags, bridges and users stay with admins: a rule or a tag can reach across
// servers, so handing them out per server would let one server's admin loosen another's policy.

type Actor = { id: string | null; role: string };

/** "all" for an admin; otherwise the servers the person administers (often none). */
export async function administeredServers(actor: Actor): Promise<"all" | string[]> {
  if (actor.role === "admin") return "all";
  if (actor.role !== "reviewer" || !actor.id) return [];
  const rows = await db.serverAdmin.findMany({ where: { userId: actor.id }, select: { server: true }, orderBy: { server: "asc" } });
  return rows.map((r) => r.server);
}

/** Whether the person may change this server's tools and secrets. */
export async function mayAdministerServer(actor: Actor, server: string): Promise<boolean> {
  if (actor.role === "admin") return true;
  if (actor.role !== "reviewer" || !actor.id) return false;
  return (await db.serverAdmin.findUnique({ where: { userId_server: { userId: actor.id, server } }, select: { userId: true } })) !== null;
}

/** Throws 403 unless the person may change this server's tools and secrets. */
export async function assertMayAdministerServer(actor: Actor, server: string): Promise<void> {
  if (!(await mayAdministerServer(actor, server))) {
    throw new AppError("forbidden", { message: `you do not administer the server "${server}"` });
  }
}

/**
 * Whose tools and secrets the person may see: admins' and auditors' every server, a reviewer's
 * the servers they administer. A reviewer who administers none gets the same 403 as before
 * per-server admins existed.
 */
export async function serversVisibleTo(actor: Actor): Promise<"all" | string[]> {
  if (actor.role === "admin" || actor.role === "auditor") return "all";
  return someServers(actor, await administeredServers(actor));
}

/**
 * For write routes open to reviewers because some administer servers: checked before the body is
 * read, so a reviewer who administers none gets the same 403 as before, whatever they send.
 */
export async function assertAdministersSomeServer(actor: Actor): Promise<void> {
  someServers(actor, await administeredServers(actor));
}

/** A reviewer who administers no server is refused as the role was before per-server admins. */
function someServers(actor: Actor, servers: "all" | string[]): "all" | string[] {
  if (servers !== "all" && servers.length === 0) throw new AppError("forbidden", { message: `the ${actor.role} role may not do this` });
  return servers;
}
