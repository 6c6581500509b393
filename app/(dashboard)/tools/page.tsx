import Link from "next/link";
import { ToolsTable } from "@/components/tools/tools-table";
import { can } from "@/lib/auth/roles";
import { pageServers } from "@/lib/server-admins/page-servers";
import { listInventory } from "@/lib/tools/inventory";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

const ORDER = { quarantined: 0, pending: 1, enabled: 2, disabled: 3 } as const;

// The tool inventory: every tool a bridge reported, what needs review first (admins; auditors read-only).
export default async function ToolsPage({ searchParams }: { searchParams: Promise<{ unusedDays?: string }> }) {
  const user = await requirePagePermission("servers:read", "/tools");
  const servers = await pageServers(user);
  const days = Math.min(3650, Math.max(1, Number((await searchParams).unusedDays) || 30));
  const tools = (await listInventory({ unusedDays: days, servers })).sort(
    (a, b) => ORDER[a.status] - ORDER[b.status] || a.server.localeCompare(b.server) || a.name.localeCompare(b.name),
  );
  const unused = tools.filter((t) => t.isUnused);
  const toReview = tools.filter((t) => t.status === "pending" || t.status === "quarantined").length;
  return (
    <section className="space-y-4" aria-labelledby="tools-heading">
      <h1 id="tools-heading" className="text-2xl font-semibold">
        Tools
      </h1>
      <p className="text-sm text-slate-600">
        A tool reaches the model only once an admin enabled it, and only while its definition is the one they approved.{" "}
        {toReview > 0 ? <strong>{toReview} to review.</strong> : "Nothing to review."}
      </p>
      {servers !== "all" && (
        <p className="text-sm text-slate-600" data-testid="administered-servers">
          You administer {servers.join(", ")}: their tools are listed here.
        </p>
      )}
      <ToolsTable tools={tools} canEdit={can(user.role, "servers:administer")} />
      <section aria-labelledby="unused-heading" className="space-y-2">
        <h2 id="unused-heading" className="text-lg font-semibold">
          Enabled but unused for {days} days
        </h2>
        {unused.length === 0 ? (
          <p className="text-sm text-slate-600">None: every enabled tool was used recently.</p>
        ) : (
          <ul className="list-inside list-disc text-sm" data-testid="unused-tools">
            {unused.map((t) => (
              <li key={t.id}>
                <Link className="text-accent hover:underline" href={`/tools/${t.id}`}>
                  {t.server} / {t.name}
                </Link>{" "}
                — a candidate to disable
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}
