import { UsersAdmin } from "@/components/admin/users-admin";
import { signInConfig } from "@/lib/auth/oidc-config";
import { requirePagePermission } from "@/lib/ui/session";
import { listUsers } from "@/lib/users/manage-users";

export const dynamic = "force-dynamic";

// People and their roles (admins only): invite with a one-time set-password link, change roles, disable, reset passwords.
export default async function UsersPage() {
  const user = await requirePagePermission("users:manage", "/users");
  const users = await listUsers();
  return (
    <section className="space-y-4" aria-labelledby="users-heading">
      <h1 id="users-heading" className="text-2xl font-semibold">
        Users
      </h1>
      <p className="text-sm text-slate-600">
        A new user, or one whose password you reset, gets a one-time link to choose a password: you never see it. A role change, disabling or a reset ends the
        user&apos;s sessions at once. The last enabled admin cannot be demoted or disabled. For people who sign in with SSO, their identity provider&apos;s
        groups set the role again at each sign-in.
      </p>
      <UsersAdmin users={users} meId={user.id} isPasswordSignInOn={signInConfig().isPasswordSignInOn} />
    </section>
  );
}
