import { notFound } from "next/navigation";
import { NewToolsSetting } from "@/components/tools/new-tools-setting";
import { DataTable } from "@/components/ui/data-table";
import { can } from "@/lib/auth/roles";
import { listBridges } from "@/lib/bridges/list-bridges";
import { loadPolicy } from "@/lib/rules/policy-versions";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// Bridges and the policy version each enforces, against the current one (admins and auditors).
export default async function BridgesPage() {
  const user = await requirePageUser("/bridges");
  if (!can(user.role, "admin:read")) notFound();
  const [bridges, policy] = await Promise.all([listBridges(), loadPolicy()]);
  const current = Number(policy.version);
  return (
    <section className="space-y-4" aria-labelledby="bridges-heading">
      <h1 id="bridges-heading" className="text-2xl font-semibold">
        Bridges
      </h1>
      <p className="text-sm text-slate-600">
        Current policy version: <span className="font-semibold">{current}</span>
      </p>
      <DataTable
        columns={["Name", "Token", "Last seen", "Enforces", "New tools"]}
        isEmpty={bridges.length === 0}
        empty={
          <>
            No bridges yet: <code>npx airlock bridge-token create --name NAME</code>
          </>
        }
      >
        {bridges.map((b) => (
          <tr key={b.id} className="border-t border-slate-100">
            <td className="px-3 py-2 font-medium">
              {b.name}
              {b.revokedAt ? " (revoked)" : ""}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{b.prefix}…</td>
            <td className="px-3 py-2">{b.lastSeenAt ? `${b.lastSeenAt.replace("T", " ").slice(0, 19)} UTC` : "never"}</td>
            <td className="px-3 py-2">
              {b.enforcedPolicyVersion === null ? "—" : `version ${b.enforcedPolicyVersion}`}
              {b.enforcedPolicyVersion !== null && b.enforcedPolicyVersion !== current && (
                <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900">behind</span>
              )}
            </td>
            <td className="px-3 py-2">
              <NewToolsSetting bridgeId={b.id} bridgeName={b.name} value={b.newTools} canEdit={can(user.role, "admin:write")} />
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
