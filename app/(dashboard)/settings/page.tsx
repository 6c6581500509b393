import Link from "next/link";
import { can, type TPermission } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

const PAGES: { href: string; title: string; what: string; permission: TPermission }[] = [
  {
    href: "/settings/notifications",
    title: "Notifications",
    what: "Email alerts on or off, and push notifications in this browser.",
    permission: "approvals:decide",
  },
  {
    href: "/settings/passkeys",
    title: "Passkeys",
    what: "Confirm it is you on a review link with your phone's screen lock instead of a password.",
    permission: "approvals:decide",
  },
  { href: "/settings/away", title: "Away and delegate", what: "While you are away, your alerts go to a colleague.", permission: "approvals:decide" },
  { href: "/settings/tokens", title: "Personal access tokens", what: "Tokens for the REST API, shown once; revoke them here.", permission: "tokens:own" },
  { href: "/settings/webhooks", title: "Webhooks", what: "Signed approval events to your systems or Slack, with a delivery log.", permission: "admin:write" },
];

// One's own settings, and the admins' webhooks.
export default async function SettingsPage() {
  const user = await requirePageUser("/settings");
  return (
    <section className="space-y-4" aria-labelledby="settings-heading">
      <h1 id="settings-heading" className="text-2xl font-semibold">
        Settings
      </h1>
      <ul className="grid gap-3 sm:grid-cols-2">
        {PAGES.filter((p) => can(user.role, p.permission)).map((p) => (
          <li key={p.href} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <Link href={p.href} className="font-semibold text-accent hover:underline">
              {p.title}
            </Link>
            <p className="mt-1 text-sm text-slate-700">{p.what}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
