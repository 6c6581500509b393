import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { signInErrorMessage } from "@/components/auth/sign-in-errors";
import { SignInForm } from "@/components/auth/sign-in-form";
import { signInConfig } from "@/lib/auth/oidc-config";
import { hasAnyUser } from "@/lib/users/create-user";

export const dynamic = "force-dynamic";

// The sign-in page: email and password, single sign-on, or both, as configured; an SSO refusal comes back here with its reason.
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const config = signInConfig();
  // First-run setup creates a password admin: with passwords off, the first SSO users come in by their mapped roles instead.
  if (config.isPasswordSignInOn && !(await hasAnyUser())) redirect("/setup");
  const { callbackUrl, error } = await searchParams;
  return (
    <AuthCard title="Sign in">
      <SignInForm
        callbackUrl={callbackUrl}
        isPasswordSignInOn={config.isPasswordSignInOn}
        ssoName={config.oidc?.name ?? null}
        initialError={signInErrorMessage(typeof error === "string" ? error : undefined)}
      />
    </AuthCard>
  );
}
