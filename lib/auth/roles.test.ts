import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, ROLES, type TPermission, type TRole } from "./roles";

// The table from DESIGN.md, "Roles", written out independently of PERMISSIONS.
const EXPECTED: Record<TPermission, Record<TRole, boolean>> = {
  "approvals:read": { admin: true, reviewer: true, auditor: true },
  "approvals:decide": { admin: true, reviewer: true, auditor: false },
  "rules:read": { admin: true, reviewer: false, auditor: true },
  "rules:write": { admin: true, reviewer: false, auditor: false },
  "audit:read": { admin: true, reviewer: true, auditor: true },
  "audit:verify": { admin: true, reviewer: false, auditor: true },
  "admin:read": { admin: true, reviewer: false, auditor: true },
  "admin:write": { admin: true, reviewer: false, auditor: false },
  // A reviewer only for the servers they administer (checked per server in lib/server-admins).
  "servers:read": { admin: true, reviewer: true, auditor: true },
  "servers:administer": { admin: true, reviewer: true, auditor: false },
  "users:manage": { admin: true, reviewer: false, auditor: false },
  "tokens:own": { admin: true, reviewer: true, auditor: true },
};

describe("role checks", () => {
  it("covers every permission", () => {
    expect(Object.keys(PERMISSIONS).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const permission of Object.keys(EXPECTED) as TPermission[]) {
    for (const role of ROLES) {
      it(`${role} ${EXPECTED[permission][role] ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(EXPECTED[permission][role]);
      });
    }
  }
});
