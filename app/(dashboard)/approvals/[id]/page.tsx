import Link from "next/link";
import { notFound } from "next/navigation";
import { ArgumentsDiff, ArgumentsView } from "@/components/approvals/arguments-view";
import { ContextTimeline } from "@/components/approvals/context-timeline";
import { DecisionHistory } from "@/components/approvals/decision-history";
import { DecisionPanel } from "@/components/approvals/decision-panel";
import { HeldFindings, HeldResult, SessionChainView, WhyHeld } from "@/components/approvals/held-evidence";
import { JsonBlock } from "@/components/approvals/json-block";
import { RelativeTime } from "@/components/ui/relative-time";
import { StatusBadge } from "@/components/ui/status-badge";
import { diffArguments } from "@/lib/approvals/argument-diff";
import { explainHeldCall } from "@/lib/approvals/explain-held";
import { getApproval, nextPendingAfter } from "@/lib/approvals/list-approvals";
import { can } from "@/lib/auth/roles";
import type { TContextEntry } from "@/lib/bridge-api/bridge-api.types";
import { BRIDGE_GRACE_MS } from "@/lib/bridges/bridge-presence";
import { AppError } from "@/lib/errors/app-error";
import { dashboardLog } from "@/lib/observability/dashboard-log";
import { requirePageUser } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    return await getApproval(id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="min-w-0 space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

// One request: the agent's claim, the session's context, the proposed action, and the decision.
export default async function ApprovalPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ edit?: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(`/approvals/${id}`);
  const a = await load(id);
  const mayDecide = a.status === "pending" && can(user.role, "approvals:decide");
  const [explanation, next] = await Promise.all([
    explainHeldCall(a).catch((error) => {
      // The trace is an explanation, not the decision: the page still shows, and the failure is logged.
      dashboardLog().error(`could not explain request ${a.id}`, error);
      return null;
    }),
    nextPendingAfter(a),
  ]);
  const approvedChanges = a.approvedArguments ? diffArguments(a.arguments, a.approvedArguments) : [];
  const hints = a.toolAnnotations;
  return (
    <article className="space-y-4">
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">
          <span className="font-mono">{a.tool}</span> <span className="font-normal text-slate-600">on {a.server}</span>
        </h1>
        <StatusBadge status={a.status} outcome={a.outcome} />
        {a.escalatedAt && a.status === "pending" && (
          <span className="rounded border border-orange-300 bg-orange-50 px-1.5 text-xs font-semibold text-orange-900" data-testid="escalated">
            escalated <RelativeTime iso={a.escalatedAt} mode="ago" />
          </span>
        )}
        {a.status === "pending" && (
          <span className="text-sm text-slate-600">
            Deadline: <RelativeTime iso={a.expiresAt} mode="left" />
          </span>
        )}
        {next && (
          <Link href={`/approvals/${next.id}`} className="ml-auto text-sm font-medium text-accent hover:underline" data-testid="next-request">
            Next request: <span className="font-mono">{next.tool}</span> →
          </Link>
        )}
      </header>
      <WhyHeld stage={a.stage} findings={a.findings} chain={a.chain} heldReason={a.heldReason} />
      {a.isBridgeConnected === false && (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          The bridge holding this call is not connected. If it does not come back within {BRIDGE_GRACE_MS / 1000} s, the request expires as &ldquo;bridge
          gone&rdquo; and nothing runs.
        </p>
      )}
      {/* On a phone the Decide panel comes first; on a wide screen it sits beside the evidence. */}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="order-2 min-w-0 space-y-4 lg:order-1">
          <Section title="Prompt (the agent's claim, not verified)">
            <p className="whitespace-pre-wrap text-slate-900">{a.prompt ?? <span className="text-slate-500">The agent gave no prompt.</span>}</p>
            {a.reasoning && <p className="whitespace-pre-wrap text-sm text-slate-700">Reasoning: {a.reasoning}</p>}
          </Section>
          {a.stage === "result" && a.heldResult && (
            <Section title="The result, held before the model sees it">
              <HeldResult result={a.heldResult} />
            </Section>
          )}
          {(a.findings.length > 0 || a.stage === "result") && (
            <Section title="What the detectors found">
              <HeldFindings findings={a.findings} args={a.arguments} result={a.heldResult} />
            </Section>
          )}
          {a.chain && (
            <Section title="The session chain">
              <SessionChainView chain={a.chain} />
            </Section>
          )}
          <Section title={a.stage === "result" ? "The call that ran" : "Proposed action"}>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="font-medium text-slate-600">Server</dt>
              <dd className="font-mono">{a.server}</dd>
              <dt className="font-medium text-slate-600">Tool</dt>
              <dd className="font-mono">
                {a.tool}
                {a.toolTitle ? ` — ${a.toolTitle}` : ""}
              </dd>
              <dt className="font-medium text-slate-600">Held by</dt>
              <dd>
                {a.ruleName ?? "policy default"} — {a.heldReason}
              </dd>
            </dl>
            {hints && (
              <p className="text-sm text-slate-700" data-testid="tool-hints">
                The server declares this tool{" "}
                {[
                  hints.readOnlyHint === true && "read-only",
                  hints.destructiveHint === true && "destructive (may delete or overwrite)",
                  hints.idempotentHint === true && "idempotent",
                  hints.openWorldHint === true && "open-world (reaches outside systems)",
                  hints.openWorldHint === false && "closed-world",
                ]
                  .filter(Boolean)
                  .join(", ") || "without behaviour hints"}
                . Hints are the server&apos;s claim, not verified.
              </p>
            )}
            {a.toolDescription && (
              <details className="text-sm">
                <summary className="cursor-pointer font-medium text-slate-700">The tool&apos;s description (from the server)</summary>
                <p className="mt-1 whitespace-pre-wrap text-slate-700">{a.toolDescription}</p>
              </details>
            )}
            <ArgumentsView label="Arguments" value={a.arguments} />
            <details className="text-sm">
              <summary className="cursor-pointer font-medium text-slate-700">As JSON</summary>
              <JsonBlock label="Arguments (JSON)" value={a.arguments} />
            </details>
          </Section>
          {approvedChanges.length > 0 && (
            <Section title="What the reviewers changed">
              <ArgumentsDiff changes={approvedChanges} />
            </Section>
          )}
          {explanation && (
            <Section title="Why this rule, and not the others">
              <details>
                <summary className="cursor-pointer text-sm font-medium text-slate-700">
                  {explanation.rule ? `“${explanation.rule}” decides this call` : "No rule matches: the policy default decides"} (policy version{" "}
                  {explanation.version ?? "current"}); each rule in order
                </summary>
                <ol className="mt-2 space-y-1 text-sm" data-testid="rule-trace">
                  {explanation.trace.map((t) => (
                    <li key={t.name}>
                      <span className="font-medium">{t.name}</span>:{" "}
                      <span className={t.result === "matched" ? "font-semibold text-accent" : "text-slate-600"}>{t.result}</span> — {t.why}
                    </li>
                  ))}
                </ol>
                <p className="mt-2 text-xs text-slate-600">Computed for the arguments shown here; the session&apos;s history is not replayed.</p>
              </details>
            </Section>
          )}
          <Section title="Context: this session so far">
            <ContextTimeline entries={a.context as TContextEntry[]} />
          </Section>
        </div>
        <div className="order-1 min-w-0 space-y-4 lg:order-2">
          {mayDecide && (
            <DecisionPanel
              approvalId={a.id}
              proposals={a.proposals}
              requiredApprovers={a.requiredApprovers}
              stage={a.stage}
              startEditing={(await searchParams).edit === "1"}
              nextId={next?.id ?? null}
            />
          )}
          <Section title="Who asked">
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="font-medium text-slate-600">Bridge</dt>
              <dd>{a.bridgeName}</dd>
              <dt className="font-medium text-slate-600">Client</dt>
              <dd>{a.clientName ? `${a.clientName} ${a.clientVersion ?? ""}` : "unknown"}</dd>
              <dt className="font-medium text-slate-600">On behalf of</dt>
              <dd>
                {a.principal ?? "unknown"}
                {a.principal && (
                  <span className="ml-1 text-xs text-slate-600" data-testid="principal-source">
                    {a.principalVerified ? "(signed in through the bridge's OAuth)" : "(claimed by the agent, not verified)"}
                  </span>
                )}
              </dd>
              <dt className="font-medium text-slate-600">Session</dt>
              <dd className="break-all font-mono text-xs">{a.sessionId}</dd>
            </dl>
          </Section>
          {a.decisions.length > 0 && <DecisionHistory approval={a} />}
          <Section title="Evidence">
            <p className="text-sm text-slate-700">
              Everything about this request in one bundle: prompt, context, action, findings, the rule at its version, decisions, audit events and receipt.
            </p>
            <p className="mt-2 flex gap-4 text-sm">
              <a className="text-accent hover:underline" href={`/api/approvals/${a.id}/evidence?format=html`} target="_blank" rel="noopener">
                Printable view
              </a>
              <a className="text-accent hover:underline" href={`/api/approvals/${a.id}/evidence`} download>
                JSON
              </a>
            </p>
          </Section>
          {a.receipt && (
            <Section title="Receipt">
              <p className="text-sm text-slate-700">
                Signed record of this decision: the exact arguments approved
                {a.receipt.execution ? " and those the upstream received" : ""}, the rule, the approvers, and its place in the audit chain (event{" "}
                {a.receipt.chain.seq}).
              </p>
              <a className="mt-2 inline-block text-sm text-accent hover:underline" href={`/api/approvals/${a.id}/receipt`} download>
                Download receipt (JSON)
              </a>
            </Section>
          )}
        </div>
      </div>
    </article>
  );
}
