import { ApproverGroups } from "@/components/admin/approver-groups";
import { ServerAdmins } from "@/components/admin/server-admins";
import { UsersAdmin } from "@/components/admin/users-admin";
import { signInConfig } from "@/lib/auth/oidc-config";
import { listGroups } from "@/lib/groups/list-groups";
import { listServerAdmins } from "@/lib/server-admins/set-server-admins";
import { requirePagePermission } from "@/lib/ui/session";
import { listUsers } from "@/lib/users/manage-users";

export const dynamic = "force-dynamic";

// People and their roles (admins only): invite with a one-time set-password link, change roles, disable, reset passwords.
export default async function UsersPage() {
  const user = await requirePagePermission("users:manage", "/users");
  const [users, groups, serverAdmins] = await Promise.all([listUsers(), listGroups(), listServerAdmins()]);
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
      <h2 id="groups-heading" className="pt-4 text-xl font-semibold">
        Approver groups
      </h2>
      <p className="text-sm text-slate-600">
        A rule with <code>approverGroup</code> is decided by that group&apos;s members only (admins outside it cannot decide it), and only they are alerted.
        Members must be reviewers or admins; every change is in the audit trail. A group a rule names cannot be deleted.
      </p>
      <ApproverGroups groups={groups} />
      <h2 id="server-admins-heading" className="pt-4 text-xl font-semibold">
        Per-server admins
      </h2>
      <p className="text-sm text-slate-600">
        A reviewer can administer some servers: enable, disable and re-approve their tools on the Tools page, and set their upstream secrets through the API.
        Rules, tool tags, bridges and people stay with admins (a rule or a tag can reach across servers). Every change is in the audit trail.
      </p>
      <ServerAdmins serverAdmins={serverAdmins} />
    </section>
  );
}
