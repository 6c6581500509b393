import { notFound } from "next/navigation";
import { RollbackButton } from "@/components/rules/rollback-button";
import { type RecentCall, RulesEditor } from "@/components/rules/rules-editor";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db/prisma";
import { listPolicyVersions, loadPolicy } from "@/lib/rules/policy-versions";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

async function recentCalls(): Promise<RecentCall[]> {
  const events = await db.auditEvent.findMany({
    where: { kind: { in: ["allowed", "denied", "held"] }, server: { not: null }, tool: { not: null } },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, createdAt: true, server: true, tool: true, arguments: true, principal: true, bridge: { select: { name: true } } },
  });
  return events
    .filter((e) => e.arguments && !("airlock/omitted" in (e.arguments as object)))
    .map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      server: e.server!,
      tool: e.tool!,
      args: e.arguments as Record<string, unknown>,
      principal: e.principal ?? "",
      bridge: e.bridge?.name ?? "",
    }));
}

// Rule management: the policy as a draft to edit, test and dry-run, saved as one new version (admins; auditors read-only).
export default async function RulesPage() {
  const user = await requirePageUser("/rules");
  if (!can(user.role, "rules:read")) notFound();
  const [policy, versions, calls] = await Promise.all([loadPolicy(), listPolicyVersions({ limit: 10 }), recentCalls()]);
  const canEdit = can(user.role, "rules:write");
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">Rules</h1>
        <p className="text-sm text-slate-600">
          Policy version {policy.version}. Changes are a draft until you save them; every save is a new version that running bridges receive within seconds.
          {!canEdit && " You can read and test rules; only admins change them."}
        </p>
      </header>
      <RulesEditor initial={policy} canEdit={canEdit} recentCalls={calls} />
      <section aria-labelledby="versions-heading" className="space-y-2">
        <h2 id="versions-heading" className="text-lg font-semibold">
          Recent versions
        </h2>
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
          {versions.map((v) => (
            <li key={v.number} className="flex flex-wrap items-center gap-3 px-3 py-2">
              <span className="font-semibold">v{v.number}</span>
              <span className="text-slate-600">
                {v.createdAt.slice(0, 19).replace("T", " ")} UTC · {v.author}
              </span>
              <span className="flex-1 text-slate-800">{v.comment}</span>
              {canEdit && String(v.number) !== policy.version && <RollbackButton version={v.number} />}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
