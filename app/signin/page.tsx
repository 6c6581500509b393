import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { SignInForm } from "@/components/auth/sign-in-form";
import { hasAnyUser } from "@/lib/users/create-user";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (!(await hasAnyUser())) redirect("/setup");
  const { callbackUrl } = await searchParams;
  return (
    <AuthCard title="Sign in">
      <SignInForm callbackUrl={callbackUrl} />
    </AuthCard>
  );
}
