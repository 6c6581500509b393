import { z } from "zod";
import { ROLES } from "./roles";

// The single sign-on configuration as the environment gives it (README: Configuration).
// Parsed once at start; a bad value stops the start with the variable's name.

const ZRoleMapEntry = z.string().transform((entry, ctx) => {
  const at = entry.lastIndexOf("=");
  const value = entry.slice(0, at).trim();
  const role = entry.slice(at + 1).trim();
  if (at < 1 || !value || !(ROLES as readonly string[]).includes(role)) {
    ctx.addIssue({ code: "custom", message: `"${entry.trim()}" is not <claim value>=admin|reviewer|auditor` });
    return z.NEVER;
  }
  return [value, role as (typeof ROLES)[number]] as const;
});

/** `airlock-admins=admin,airlock-reviewers=reviewer`: claim value → role. */
export const ZRoleMap = z
  .string()
  .transform((text) =>
    text
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(z.array(ZRoleMapEntry).max(200))
  .transform((entries) => new Map(entries));

const ZOnOff = z.enum(["on", "off"]);

export const ZOidcEnv = z
  .object({
    AIRLOCK_OIDC_ISSUER: z.url({ protocol: /^https?$/, message: "must be the issuer's http(s) URL, exactly as its discovery document names it" }).optional(),
    AIRLOCK_OIDC_CLIENT_ID: z.string().trim().min(1).max(500).optional(),
    AIRLOCK_OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
    AIRLOCK_OIDC_CLIENT_SECRET_FILE: z.string().min(1).optional(),
    AIRLOCK_OIDC_NAME: z.string().trim().min(1).max(60).default("SSO"),
    AIRLOCK_OIDC_SCOPES: z
      .string()
      .trim()
      .default("openid email profile")
      .refine((scopes) => scopes.split(/\s+/).includes("openid"), "must include openid"),
    AIRLOCK_OIDC_ROLE_CLAIM: z
      .string()
      .trim()
      .regex(/^[\w:/.-]+$/, "a claim name (a dotted path such as realm_access.roles reaches into an object)")
      .default("groups"),
    AIRLOCK_OIDC_ROLE_MAP: ZRoleMap.optional(),
    AIRLOCK_OIDC_DEFAULT_ROLE: z.enum(ROLES).optional(),
    AIRLOCK_OIDC_LINK_BY_EMAIL: z.enum(["verified", "off"]).default("verified"),
    AIRLOCK_PASSWORD_SIGNIN: ZOnOff.default("on"),
  })
  .superRefine((env, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (!env.AIRLOCK_OIDC_ISSUER) {
      if (env.AIRLOCK_PASSWORD_SIGNIN === "off") issue("AIRLOCK_PASSWORD_SIGNIN", "off needs AIRLOCK_OIDC_ISSUER, or nobody could sign in");
      return;
    }
    if (!env.AIRLOCK_OIDC_CLIENT_ID) issue("AIRLOCK_OIDC_CLIENT_ID", "is required with AIRLOCK_OIDC_ISSUER");
    if (!env.AIRLOCK_OIDC_CLIENT_SECRET === !env.AIRLOCK_OIDC_CLIENT_SECRET_FILE) {
      issue("AIRLOCK_OIDC_CLIENT_SECRET", "set exactly one of AIRLOCK_OIDC_CLIENT_SECRET and AIRLOCK_OIDC_CLIENT_SECRET_FILE");
    }
    if (!env.AIRLOCK_OIDC_ROLE_MAP?.size && !env.AIRLOCK_OIDC_DEFAULT_ROLE) {
      issue("AIRLOCK_OIDC_ROLE_MAP", "is required (or AIRLOCK_OIDC_DEFAULT_ROLE), or no single sign-on user could get a role");
    }
  });

export type TRoleMap = z.infer<typeof ZRoleMap>;
