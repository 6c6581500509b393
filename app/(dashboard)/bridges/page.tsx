import { CreateBridgeToken, RefreshButton, RevokeBridgeButton } from "@/components/admin/bridge-tokens";
import { DeleteUpstreamSecret, SetUpstreamSecret } from "@/components/admin/upstream-secrets";
import { NewToolsSetting } from "@/components/tools/new-tools-setting";
import { DataTable } from "@/components/ui/data-table";
import { formatUtc } from "@/components/ui/format-utc";
import { can } from "@/lib/auth/roles";
import { listBridges } from "@/lib/bridges/list-bridges";
import { loadPolicy } from "@/lib/rules/policy-versions";
import { requirePagePermission } from "@/lib/ui/session";
import { listUpstreamSecrets } from "@/lib/upstream-secrets/list-upstream-secrets";

export const dynamic = "force-dynamic";

const STATUS_STYLE = {
  online: "bg-emerald-100 text-emerald-900",
  offline: "bg-slate-200 text-slate-800",
  revoked: "bg-red-100 text-red-900",
} as const;

// Bridges: whether each is online, what connects through it, what waits on it, the policy version it enforces (admins; auditors read).
export default async function BridgesPage() {
  const user = await requirePagePermission("admin:read", "/bridges");
  const canEdit = can(user.role, "admin:write");
  const [bridges, policy, secrets] = await Promise.all([listBridges(), loadPolicy(), listUpstreamSecrets()]);
  const current = Number(policy.version);
  return (
    <section className="space-y-4" aria-labelledby="bridges-heading">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="bridges-heading" className="text-2xl font-semibold">
          Bridges
        </h1>
        <RefreshButton />
      </div>
      <p className="text-sm text-slate-600">
        Current policy version: <span className="font-semibold">{current}</span>. A bridge is online while it holds a socket to this dashboard or was heard from
        in the last two minutes; clients and upstream servers are those its calls named in the last 24 hours.
      </p>
      {canEdit && <CreateBridgeToken />}
      <DataTable
        columns={["Name", "State", "Token", "Last seen", "Clients", "Upstream servers", "Pending", "Enforces", "New tools", ...(canEdit ? [""] : [])]}
        isEmpty={bridges.length === 0}
        empty="No bridges yet: create a bridge token above."
        testId="bridges-table"
      >
        {bridges.map((b) => (
          <tr key={b.id} className="border-t border-slate-100 align-top" data-testid="bridge-row">
            <td className="px-3 py-2 font-medium">{b.name}</td>
            <td className="px-3 py-2">
              <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_STYLE[b.status]}`} data-testid="bridge-status">
                {b.status}
              </span>
              {b.connectedInstances > 1 && <span className="ml-1 text-xs text-slate-600">{b.connectedInstances} processes</span>}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{b.prefix}…</td>
            <td className="px-3 py-2">{formatUtc(b.lastSeenAt)}</td>
            <td className="px-3 py-2">
              {b.clients.length ? b.clients.map((c) => <div key={`${c.name}@${c.version}`}>{c.version ? `${c.name} ${c.version}` : c.name}</div>) : "—"}
            </td>
            <td className="px-3 py-2">{b.upstreams.length ? b.upstreams.join(", ") : "—"}</td>
            <td className="px-3 py-2">{b.pendingRequests}</td>
            <td className="px-3 py-2">
              {b.enforcedPolicyVersion === null ? "—" : `version ${b.enforcedPolicyVersion}`}
              {b.enforcedPolicyVersion !== null && b.enforcedPolicyVersion !== current && (
                <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900">behind</span>
              )}
            </td>
            <td className="px-3 py-2">
              <NewToolsSetting bridgeId={b.id} bridgeName={b.name} value={b.newTools} canEdit={canEdit && !b.revokedAt} />
            </td>
            {canEdit && (
              <td className="px-3 py-2">
                {b.revokedAt ? <span className="text-xs text-slate-600">revoked</span> : <RevokeBridgeButton id={b.id} name={b.name} />}
              </td>
            )}
          </tr>
        ))}
      </DataTable>
      <h2 id="secrets-heading" className="pt-4 text-xl font-semibold">
        Upstream secrets
      </h2>
      <p className="text-sm text-slate-600">
        Credentials the bridges hand to the MCP servers they protect: environment variables for command-line servers, headers for HTTP ones. The agent never
        receives them, and no page, log or audit event shows a value once saved; save again to rotate (bridges start a command-line server again with the new
        value, without the agent reconnecting).
      </p>
      {canEdit && <SetUpstreamSecret bridges={bridges.filter((b) => !b.revokedAt).map((b) => b.name)} />}
      <DataTable
        columns={["Upstream", "Kind", "Name", "Value", "Bridge", "Version", "Set by", "Updated", ...(canEdit ? [""] : [])]}
        isEmpty={secrets.length === 0}
        empty="No upstream secrets: upstream servers get only PATH, HOME, USER, SHELL, TERM and LOGNAME, and what a bridge passes with --pass-env."
        testId="secrets-table"
      >
        {secrets.map((s) => (
          <tr key={s.id} className="border-t border-slate-100 align-top" data-testid="secret-row">
            <td className="px-3 py-2 font-medium">{s.upstream}</td>
            <td className="px-3 py-2">{s.kind === "env" ? "variable" : "header"}</td>
            <td className="px-3 py-2 font-mono text-xs">{s.name}</td>
            <td className="px-3 py-2 font-mono text-xs">{s.value}</td>
            <td className="px-3 py-2">{s.bridge ?? "every bridge"}</td>
            <td className="px-3 py-2">{s.version}</td>
            <td className="px-3 py-2">{s.updatedBy ?? "—"}</td>
            <td className="px-3 py-2">{formatUtc(s.updatedAt)}</td>
            {canEdit && (
              <td className="px-3 py-2">
                <DeleteUpstreamSecret secret={s} />
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
