import { z } from "zod";

/** What sign-in reads from the identity provider's claims (the ID token's, merged over userinfo's). */
export const ZOidcClaims = z
  .object({
    iss: z.string().min(1),
    sub: z.string().min(1).max(255),
    email: z.string().max(254).optional(),
    // Some providers send "true"/"false" as strings.
    email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
    name: z.string().max(120).optional(),
  })
  .passthrough();

/** Why an SSO sign-in was refused; the sign-in page shows a message for each (components/auth/sign-in-errors.ts). */
export const OIDC_REFUSALS = ["sso_no_role", "sso_disabled", "sso_no_email", "sso_email_unverified", "sso_email_taken", "sso_bad_claims"] as const;
export type TOidcRefusal = (typeof OIDC_REFUSALS)[number];
