import { CelHelp } from "@/components/rules/cel-help";
import { RollbackButton } from "@/components/rules/rollback-button";
import { type RecentCall, RulesEditor } from "@/components/rules/rules-editor";
import { VersionDiff } from "@/components/rules/version-diff";
import { can } from "@/lib/auth/roles";
import { db } from "@/lib/db/prisma";
import { findShadowedRules } from "@/lib/policy/shadowing";
import { listPolicyVersions, loadPolicy } from "@/lib/rules/policy-versions";
import { requirePagePermission } from "@/lib/ui/session";

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
  const user = await requirePagePermission("rules:read", "/rules");
  const [policy, versions, calls, allVersions] = await Promise.all([
    loadPolicy(),
    listPolicyVersions({ limit: 10 }),
    recentCalls(),
    listPolicyVersions({ limit: 500 }),
  ]);
  const canEdit = can(user.role, "rules:write");
  const shadowed = findShadowedRules(policy);
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">Rules</h1>
        <p className="text-sm text-slate-600">
          Policy version {policy.version}. Changes are a draft until you save them; every save is a new version that running bridges receive within seconds.
          {!canEdit && " You can read and test rules; only admins change them."}
        </p>
      </header>
      {shadowed.length > 0 && (
        <section
          role="alert"
          aria-labelledby="shadowed-heading"
          className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm"
          data-testid="shadowed-rules"
        >
          <h2 id="shadowed-heading" className="font-semibold text-amber-950">
            {shadowed.length === 1 ? "A rule can never fire" : `${shadowed.length} rules can never fire`}
          </h2>
          <ul className="mt-1 list-inside list-disc text-amber-950">
            {shadowed.map((s) => (
              <li key={s.index}>
                Rule {s.index + 1} &ldquo;{s.name}&rdquo; is shadowed by rule {s.byIndex + 1} &ldquo;{s.byName}&rdquo;, which has no condition and matches every
                call it could match, and comes first. Move it up, narrow the earlier rule, or remove it.
              </li>
            ))}
          </ul>
        </section>
      )}
      <RulesEditor initial={policy} canEdit={canEdit} recentCalls={calls} />
      <CelHelp />
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
      <section aria-labelledby="diff-heading" className="space-y-2">
        <h2 id="diff-heading" className="text-lg font-semibold">
          Compare versions
        </h2>
        <VersionDiff versions={allVersions.map((v) => v.number)} />
      </section>
    </div>
  );
}
