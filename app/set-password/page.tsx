import { AuthCard } from "@/components/auth/auth-card";
import { SetPasswordForm } from "@/components/auth/set-password-form";
import { signInConfig } from "@/lib/auth/oidc-config";

export const dynamic = "force-dynamic";

// Opened from a one-time set-password link (an invitation or a reset), without signing in; says so when passwords are off.
export default function SetPasswordPage() {
  if (!signInConfig().isPasswordSignInOn) {
    return (
      <AuthCard title="Passwords are turned off">
        <p role="alert" className="text-sm text-slate-800">
          This dashboard does not use passwords: sign in with single sign-on instead.{" "}
          <a href="/signin" className="font-medium text-accent underline">
            Go to sign-in
          </a>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Choose your password">
      <SetPasswordForm />
    </AuthCard>
  );
}
