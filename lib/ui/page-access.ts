import { PERMISSIONS, type TPermission, type TRole } from "../auth/roles";

/** What each restricted page needs (the same permission its API checks); the no-access page reads it to say who may. */
export const PAGE_PERMISSIONS: { prefix: string; title: string; permission: TPermission; also?: string }[] = [
  { prefix: "/users", title: "Users", permission: "users:manage" },
  { prefix: "/rules", title: "Rules", permission: "rules:read" },
  { prefix: "/tools", title: "Tools", permission: "admin:read", also: "reviewers who administer a server" },
  { prefix: "/bridges", title: "Bridges", permission: "admin:read" },
  { prefix: "/compliance", title: "Compliance", permission: "admin:read" },
  { prefix: "/settings/webhooks", title: "Webhooks", permission: "admin:write" },
  { prefix: "/settings/notifications", title: "Notifications", permission: "approvals:decide" },
  { prefix: "/settings/passkeys", title: "Passkeys", permission: "approvals:decide" },
  { prefix: "/settings/away", title: "Away and delegate", permission: "approvals:decide" },
];

/** The restricted page a path belongs to, and the roles that may open it (null: any signed-in user). */
export function pageAccess(path: string | null | undefined): { title: string; roles: readonly TRole[]; also?: string } | null {
  const pathname = (path ?? "").split(/[?#]/)[0];
  const page = PAGE_PERMISSIONS.find((p) => pathname === p.prefix || pathname.startsWith(`${p.prefix}/`));
  return page ? { title: page.title, roles: PERMISSIONS[page.permission], also: page.also } : null;
}
