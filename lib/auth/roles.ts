export const ROLES = ["admin", "reviewer", "auditor"] as const;
export type TRole = (typeof ROLES)[number];

/** What each role may do (DESIGN.md, "Roles"). Checked on the server for every route and socket event. */
export const PERMISSIONS = {
  "approvals:read": ["admin", "reviewer", "auditor"],
  "approvals:decide": ["admin", "reviewer"],
  "rules:read": ["admin", "auditor"],
  "rules:write": ["admin"],
  "audit:read": ["admin", "auditor", "reviewer"],
  /** The whole chain: reviewers export only their own decisions, so they do not walk everyone's. */
  "audit:verify": ["admin", "auditor"],
  "admin:read": ["admin", "auditor"],
  "admin:write": ["admin"],
  /**
   * The tool inventory and upstream secrets: admins and auditors see every server's; a reviewer
   * sees and changes only the servers they administer (per-server admins, lib/server-admins),
   * and one who administers none is refused as before.
   */
  "servers:read": ["admin", "auditor", "reviewer"],
  "servers:administer": ["admin", "reviewer"],
  /** People: list, invite, change role, disable, reset a password (admins only: the list holds everyone's email). */
  "users:manage": ["admin"],
  /** One's own personal access tokens. */
  "tokens:own": ["admin", "reviewer", "auditor"],
} as const satisfies Record<string, readonly TRole[]>;

export type TPermission = keyof typeof PERMISSIONS;

export function can(role: TRole, permission: TPermission): boolean {
  return (PERMISSIONS[permission] as readonly TRole[]).includes(role);
}
