import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SetupForm } from "@/components/auth/setup-form";
import { signInConfig } from "@/lib/auth/oidc-config";
import { hasAnyUser } from "@/lib/users/create-user";

export const dynamic = "force-dynamic";

// Only while no user exists: afterwards the page (and POST /api/setup) refuse.
export default async function SetupPage() {
  // With passwords off there is no password admin to create: the first people come in through SSO.
  if (!signInConfig().isPasswordSignInOn || (await hasAnyUser())) redirect("/signin");
  return (
    <AuthCard title="Create the first admin">
      <SetupForm />
    </AuthCard>
  );
}
