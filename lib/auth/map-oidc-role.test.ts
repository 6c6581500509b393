import { describe, expect, it } from "vitest";
import { mapOidcRole, roleClaimValues } from "./map-oidc-role";
import type { TRole } from "./roles";

const roleMap = new Map<string, TRole>([
  ["airlock-admins", "admin"],
  ["airlock-reviewers", "reviewer"],
  ["airlock-auditors", "auditor"],
]);

describe("mapOidcRole", () => {
  it.each([
    ["one mapped group", { groups: ["airlock-reviewers"] }, null, "reviewer"],
    ["the highest of several mapped groups wins", { groups: ["airlock-auditors", "airlock-admins", "airlock-reviewers"] }, null, "admin"],
    ["reviewer outranks auditor", { groups: ["airlock-auditors", "airlock-reviewers"] }, null, "reviewer"],
    ["unmapped groups only: refused", { groups: ["staff", "Airlock-Admins"] }, null, null],
    ["no claim at all: refused", {}, null, null],
    ["an empty claim: refused", { groups: [] }, null, null],
    ["a single string value", { groups: "airlock-auditors" }, null, "auditor"],
    ["non-string values are ignored", { groups: [{ name: "airlock-admins" }, 7, null] }, null, null],
    ["unmapped with a default role: the default", { groups: ["staff"] }, "auditor", "auditor"],
    ["mapped beats the default", { groups: ["airlock-admins"] }, "auditor", "admin"],
  ] as const)("%s", (_name, claims, defaultRole, expected) => {
    expect(mapOidcRole(claims as Record<string, unknown>, { roleClaim: "groups", roleMap, defaultRole })).toBe(expected);
  });

  it("reads a dotted path into an object claim (Keycloak's realm_access.roles)", () => {
    const claims = { realm_access: { roles: ["offline_access", "airlock-reviewers"] } };
    expect(mapOidcRole(claims, { roleClaim: "realm_access.roles", roleMap, defaultRole: null })).toBe("reviewer");
    expect(roleClaimValues(claims, "realm_access.nope")).toEqual([]);
  });

  it("a claim literally named with a dot wins over the path, and inherited names hold nothing", () => {
    expect(roleClaimValues({ "a.b": ["x"], a: { b: ["y"] } }, "a.b")).toEqual(["x"]);
    expect(roleClaimValues({}, "constructor")).toEqual([]);
    expect(roleClaimValues({ a: {} }, "a.toString")).toEqual([]);
  });
});
