import type { TOidcRefusal } from "@/lib/users/sign-in-with-oidc.types";

/** What the sign-in page says for each reason an SSO sign-in came back refused (`/signin?error=…`). */
const MESSAGES: Record<TOidcRefusal, string> = {
  sso_no_role: "Your account at the identity provider is in no group that has a role in Airlock. Ask an admin to add you to one.",
  sso_disabled: "Your Airlock account is disabled. Ask an admin to enable it.",
  sso_no_email: "The identity provider sent no email address for your account, and Airlock needs one.",
  sso_email_unverified: "The identity provider says your email address is not verified. Verify it there, then sign in again.",
  sso_email_taken:
    "An Airlock user with your email address already exists and cannot be linked to this single sign-on account (the identity provider did not verify the address, or the user is linked to another account). Ask an admin.",
  sso_bad_claims: "The identity provider's answer was not usable (unexpected issuer or subject). Ask an admin to check the single sign-on configuration.",
};

/** The message for an `error` query parameter, or null when there is none; next-auth's own codes get a generic message. */
export function signInErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  if (Object.hasOwn(MESSAGES, code)) return MESSAGES[code as TOidcRefusal];
  if (code === "CredentialsSignin") return "Wrong email or password.";
  return "Single sign-on did not complete (it was cancelled, or the identity provider could not be reached). Try again.";
}
