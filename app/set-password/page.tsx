import { AuthCard } from "@/components/auth/auth-card";
import { SetPasswordForm } from "@/components/auth/set-password-form";

export const dynamic = "force-dynamic";

// Opened from a one-time set-password link (an invitation or a reset), without signing in.
export default function SetPasswordPage() {
  return (
    <AuthCard title="Choose your password">
      <SetPasswordForm />
    </AuthCard>
  );
}
