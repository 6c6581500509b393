import type { OidcConfig } from "./oidc-config";
import type { TRole } from "./roles";

/** Higher wins when a user's claim values map to several roles. */
const ROLE_RANK: Record<TRole, number> = { auditor: 1, reviewer: 2, admin: 3 };

/** The claim at a name, or at a dotted path into nested objects (Keycloak's `realm_access.roles`). */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const part of path.split(".")) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

/** The values of the role claim: a string, or the strings of an array; anything else holds none. */
export function roleClaimValues(claims: Record<string, unknown>, roleClaim: string): string[] {
  const value = claimAt(claims, roleClaim);
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The role the identity provider's claims give: the highest role any claim value maps to,
 * else the configured default, else null (the sign-in is refused; nobody gets a role by accident).
 */
export function mapOidcRole(claims: Record<string, unknown>, config: Pick<OidcConfig, "roleClaim" | "roleMap" | "defaultRole">): TRole | null {
  let best: TRole | null = null;
  for (const value of roleClaimValues(claims, config.roleClaim)) {
    const role = config.roleMap.get(value);
    if (role && (!best || ROLE_RANK[role] > ROLE_RANK[best])) best = role;
  }
  return best ?? config.defaultRole;
}
