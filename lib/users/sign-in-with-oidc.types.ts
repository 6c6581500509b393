import { z } from "zod";

/** What sign-in reads from the identity provider's claims (the ID token's, merged over userinfo's). */
export const ZOidcClaims = z
  .object({
    iss: z.string().min(1),
    sub: z.string().min(1).max(255),
    // Checked as an email later (ZEmail): a bad one is "no usable email", not a bad answer.
    email: z.unknown().optional(),
    // Some providers send "true"/"false" as strings.
    email_verified: z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]).optional(),
    // A display name only: a long one is cut, anything but a string is ignored.
    name: z
      .unknown()
      .optional()
      .transform((name) => (typeof name === "string" ? name.trim().slice(0, 120) || undefined : undefined)),
  })
  .passthrough();

/** Why an SSO sign-in was refused; the sign-in page shows a message for each (components/auth/sign-in-errors.ts). */
export const OIDC_REFUSALS = ["sso_no_role", "sso_disabled", "sso_no_email", "sso_email_unverified", "sso_email_taken", "sso_bad_claims"] as const;
export type TOidcRefusal = (typeof OIDC_REFUSALS)[number];
