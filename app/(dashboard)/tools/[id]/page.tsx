import { notFound } from "next/navigation";
import { JsonBlock } from "@/components/approvals/json-block";
import { ToolDecision } from "@/components/tools/tool-decision";
import { ToolFindings } from "@/components/tools/tool-findings";
import { ToolTags } from "@/components/tools/tool-tags";
import { StatusBadge } from "@/components/ui/status-badge";
import { can } from "@/lib/auth/roles";
import { definitionFields } from "@/lib/detectors/definition-fields";
import { AppError } from "@/lib/errors/app-error";
import { pageServers } from "@/lib/server-admins/page-servers";
import { getInventoryTool } from "@/lib/tools/inventory";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// One tool: its definition, and when it changed since it was approved, the two side by side.
export default async function ToolPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePagePermission("servers:read", `/tools/${id}`);
  const tool = await getInventoryTool(id, await pageServers(user)).catch((error) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const isChanged = tool.pinnedHash !== null && tool.pinnedHash !== tool.definitionHash;
  // Each finding's field, so its span can be shown in place.
  const textAt = Object.fromEntries([
    ...definitionFields(tool.definition as Record<string, unknown>).map((f) => [f.location, f.text]),
    ["instructions", tool.instructions ?? ""],
  ]);
  return (
    <article className="space-y-5" aria-labelledby="tool-heading">
      <header className="space-y-1">
        <p className="text-sm text-slate-600">{tool.server}</p>
        <h1 id="tool-heading" className="flex items-center gap-3 text-2xl font-semibold">
          {tool.name} <StatusBadge status={tool.status} />
        </h1>
        <p className="text-sm text-slate-600">
          First seen {tool.firstSeenAt.slice(0, 19).replace("T", " ")} UTC · last seen {tool.lastSeenAt.slice(0, 19).replace("T", " ")} UTC
          {tool.reviewedBy && <> · reviewed by {tool.reviewedBy}</>}
        </p>
      </header>

      {isChanged && (
        <section aria-labelledby="diff-heading" className="space-y-3 rounded-lg border border-red-200 bg-red-50 p-4">
          <h2 id="diff-heading" className="text-lg font-semibold text-red-900">
            The server changed this tool since it was approved
          </h2>
          <p className="text-sm text-red-900">
            Read what changed: a description can carry instructions to the model. Approve only what you would have approved the first time.
          </p>
          <div data-testid="definition-diff" className="space-y-3">
            {tool.changes.map((c) => (
              <div key={c.field} className="grid gap-2 md:grid-cols-2">
                <figure>
                  <figcaption className="text-xs font-semibold uppercase text-slate-700">{c.field} · approved</figcaption>
                  <pre className="whitespace-pre-wrap rounded bg-white p-2 text-sm ring-1 ring-slate-200">{c.before ?? "(absent)"}</pre>
                </figure>
                <figure>
                  <figcaption className="text-xs font-semibold uppercase text-red-800">{c.field} · now</figcaption>
                  <pre className="whitespace-pre-wrap rounded bg-white p-2 text-sm ring-1 ring-red-300">{c.after ?? "(absent)"}</pre>
                </figure>
              </div>
            ))}
          </div>
        </section>
      )}

      <section aria-labelledby="findings-heading" className="space-y-2">
        <h2 id="findings-heading" className="text-lg font-semibold">
          What the detectors found
        </h2>
        <ToolFindings findings={tool.findings} textAt={textAt} />
      </section>

      {can(user.role, "servers:administer") && (
        <ToolDecision
          toolId={tool.id}
          status={tool.status}
          definitionHash={tool.definitionHash}
          isChanged={isChanged}
          hasHighFindings={tool.findings.some((f) => f.severity === "high")}
        />
      )}

      <ToolTags
        toolId={tool.id}
        source={tool.sourceTag}
        sink={tool.sinkTag}
        role={tool.role}
        defaultRole={tool.defaultRole}
        canEdit={can(user.role, "admin:write")}
      />

      <JsonBlock label="Definition as the server lists it now" value={tool.definition} />
      {tool.instructions && (
        <figure>
          <figcaption className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-600">The server&apos;s instructions</figcaption>
          <pre className="whitespace-pre-wrap rounded-md bg-slate-100 p-3 text-sm">{tool.instructions}</pre>
        </figure>
      )}
      <p className="font-mono text-xs text-slate-500">
        definition sha256 {tool.definitionHash}
        {tool.pinnedHash && ` · pinned ${tool.pinnedHash}`}
      </p>
    </article>
  );
}
