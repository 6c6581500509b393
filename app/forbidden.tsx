import { headers } from "next/headers";
import Link from "next/link";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";
import { findSessionUser } from "@/lib/auth/session-user";
import { pageAccess } from "@/lib/ui/page-access";
import { PAGE_PATH_HEADER } from "@/lib/ui/page-path";

// What a signed-in user sees, with HTTP 403, when their role may not open a page
// (requirePagePermission calls forbidden()). API routes answer 403 JSON instead.
export default async function Forbidden() {
  const session = await getServerSession(authOptions);
  const user = session?.user?.id ? await findSessionUser({ userId: session.user.id, sessionVersion: session.user.sessionVersion }) : null;
  const page = pageAccess((await headers()).get(PAGE_PATH_HEADER));
  const roles = page?.roles.join(" or ");
  return (
    <main className="mx-auto flex min-h-screen max-w-xl items-center px-4">
      <section
        aria-labelledby="no-access-heading"
        className="w-full space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
        data-testid="no-access"
      >
        <p className="text-sm font-semibold uppercase tracking-wide text-red-800">403 · No access</p>
        <h1 id="no-access-heading" className="text-2xl font-semibold">
          You don&apos;t have access to this page
        </h1>
        <p className="text-slate-700">
          {page ? (
            <>
              The {page.title} page is for the <strong>{roles}</strong> role{page.roles.length > 1 ? "s" : ""}
              {page.also ? `, and for ${page.also}` : ""}.
            </>
          ) : (
            "Your role may not open this page."
          )}{" "}
          {user ? (
            <>
              You are signed in as {user.email} with the <strong data-testid="no-access-role">{user.role}</strong> role.
            </>
          ) : null}{" "}
          Ask an admin if you need it.
        </p>
        <Link href="/" className="inline-flex rounded-md bg-accent px-4 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
          Back to the queue
        </Link>
      </section>
    </main>
  );
}
