import { cookies } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { NavLinks } from "@/components/nav/nav-links";
import { ThemeSwitch } from "@/components/ui/theme-switch";
import { can } from "@/lib/auth/roles";
import { administeredServers } from "@/lib/server-admins/administered-servers";
import { requirePageUser } from "@/lib/ui/session";
import { THEME_COOKIE, themeOf } from "@/lib/ui/theme";

export const dynamic = "force-dynamic";

const LINKS = [
  { href: "/", label: "Queue" },
  { href: "/history", label: "History" },
];
/** Admins edit these; auditors read them. */
const ADMIN_LINKS = [
  { href: "/rules", label: "Rules" },
  { href: "/tools", label: "Tools" },
  { href: "/bridges", label: "Bridges" },
  { href: "/compliance", label: "Compliance" },
];
/** Every role: one's own tokens, alerts and absence (and, for admins, webhooks). */
const SETTINGS_LINK = { href: "/settings", label: "Settings" };

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  const theme = (await cookies()).get(THEME_COOKIE)?.value;
  // A reviewer who administers servers (per-server admin) gets the Tools page for them.
  const isServerAdmin = user.role === "reviewer" && (await administeredServers(user)).length > 0;
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-bold tracking-tight text-accent">
            Airlock
          </Link>
          <NavLinks
            links={[
              ...LINKS,
              ...(can(user.role, "admin:read") ? ADMIN_LINKS : []),
              ...(isServerAdmin ? ADMIN_LINKS.filter((l) => l.href === "/tools") : []),
              ...(can(user.role, "users:manage") ? [{ href: "/users", label: "Users" }] : []),
              SETTINGS_LINK,
            ]}
          />
          <span className="ml-auto text-sm text-slate-600">
            {user.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">{user.role}</span>
          </span>
          <ThemeSwitch initial={themeOf(theme)} />
          <SignOutButton />
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
