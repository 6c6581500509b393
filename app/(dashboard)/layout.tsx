import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { can } from "@/lib/auth/roles";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-bold tracking-tight text-accent">
            Airlock
          </Link>
          <Link href="/" className="text-sm font-medium text-slate-700 hover:text-slate-950">
            Queue
          </Link>
          <Link href="/history" className="text-sm font-medium text-slate-700 hover:text-slate-950">
            History
          </Link>
          {can(user.role, "admin:read") && (
            <>
              <Link href="/rules" className="text-sm font-medium text-slate-700 hover:text-slate-950">
                Rules
              </Link>
              <Link href="/tools" className="text-sm font-medium text-slate-700 hover:text-slate-950">
                Tools
              </Link>
              <Link href="/bridges" className="text-sm font-medium text-slate-700 hover:text-slate-950">
                Bridges
              </Link>
            </>
          )}
          <span className="ml-auto text-sm text-slate-600">
            {user.email} <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">{user.role}</span>
          </span>
          <SignOutButton />
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
