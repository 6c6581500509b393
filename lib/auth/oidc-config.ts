import { readFileSync } from "node:fs";
import { fromZodError } from "../errors/app-error";
import { ZOidcEnv } from "./oidc-config.types";
import type { TRole } from "./roles";

/** Single sign-on as configured: where the identity provider is and how its claims become roles. */
export interface OidcConfig {
  /** The issuer URL, exactly as its discovery document and its ID tokens' `iss` name it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The sign-in button's label. */
  name: string;
  scopes: string;
  /** The claim holding groups or roles: a name, or a dotted path into an object claim. */
  roleClaim: string;
  /** Claim value → role; a user with several mapped values gets the highest role. */
  roleMap: Map<string, TRole>;
  /** The role of a user none of whose values is mapped; unset: such a user is refused. */
  defaultRole: TRole | null;
  /** Whether a first SSO sign-in may link to an existing user with the same email (only when the IdP verified it). */
  linkByEmail: "verified" | "off";
}

export interface SignInConfig {
  /** Whether email and password sign-in exists at all (AIRLOCK_PASSWORD_SIGNIN). */
  isPasswordSignInOn: boolean;
  /** Single sign-on, or null when AIRLOCK_OIDC_ISSUER is not set. */
  oidc: OidcConfig | null;
}

/**
 * Reads and checks the sign-in configuration from the environment; throws one line naming
 * the bad variable. The issuer itself is checked (reached, discovery document valid) by
 * checkOidcIssuer at start.
 */
export function readSignInConfig(env: Record<string, string | undefined> = process.env): SignInConfig {
  const parsed = ZOidcEnv.safeParse(
    Object.fromEntries(Object.entries(env).filter(([key, value]) => /^AIRLOCK_(OIDC_|PASSWORD_SIGNIN$)/.test(key) && value !== "")),
  );
  if (!parsed.success) throw new Error(`sign-in configuration: ${fromZodError(parsed.error, "env").message.replace(/^env\./, "")}`);
  const e = parsed.data;
  const isPasswordSignInOn = e.AIRLOCK_PASSWORD_SIGNIN === "on";
  if (!e.AIRLOCK_OIDC_ISSUER) return { isPasswordSignInOn, oidc: null };
  let clientSecret = e.AIRLOCK_OIDC_CLIENT_SECRET;
  if (!clientSecret) {
    const file = e.AIRLOCK_OIDC_CLIENT_SECRET_FILE!;
    try {
      clientSecret = readFileSync(file, "utf8").trim();
    } catch (error) {
      throw new Error(`sign-in configuration: AIRLOCK_OIDC_CLIENT_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
    if (!clientSecret) throw new Error(`sign-in configuration: AIRLOCK_OIDC_CLIENT_SECRET_FILE: ${file} is empty`);
  }
  return {
    isPasswordSignInOn,
    oidc: {
      issuer: e.AIRLOCK_OIDC_ISSUER,
      clientId: e.AIRLOCK_OIDC_CLIENT_ID!,
      clientSecret,
      name: e.AIRLOCK_OIDC_NAME,
      scopes: e.AIRLOCK_OIDC_SCOPES.split(/\s+/).join(" "),
      roleClaim: e.AIRLOCK_OIDC_ROLE_CLAIM,
      roleMap: e.AIRLOCK_OIDC_ROLE_MAP ?? new Map(),
      defaultRole: e.AIRLOCK_OIDC_DEFAULT_ROLE ?? null,
      linkByEmail: e.AIRLOCK_OIDC_LINK_BY_EMAIL,
    },
  };
}

let cached: SignInConfig | undefined;

/** The process's sign-in configuration (read once; start-server has already checked it). */
export function signInConfig(): SignInConfig {
  cached ??= readSignInConfig();
  return cached;
}
