import { db } from "../db/prisma";
import { getApproval } from "./list-approvals";

// The evidence for one request, in one bundle: what the agent asked and why (prompt,
// reasoning, context), the proposed and executed action, the findings, the rule as it read
// at that policy version, the decisions with comments, the result's summary, the request's
// audit events with their chain positions, and the signed receipt. JSON for machines, and a
// printable HTML page for people (GET /api/approvals/{id}/evidence?format=html).

const RESULT_SUMMARY_CHARS = 4_000;

export type Evidence = Awaited<ReturnType<typeof buildEvidence>>;

/** The rule that held the request, as the policy version it was held under wrote it. */
async function ruleAtVersion(ruleName: string | null, version: number | null) {
  if (!ruleName || !version) return null;
  const row = await db.policyVersion.findUnique({ where: { number: version }, select: { number: true, createdAt: true, author: true, policy: true } });
  const rules = ((row?.policy as { rules?: { name?: string }[] } | null)?.rules ?? []) as { name?: string }[];
  const rule = rules.find((r) => r.name === ruleName);
  return row ? { version: row.number, versionCreatedAt: row.createdAt.toISOString(), versionAuthor: row.author, rule: rule ?? null } : null;
}

/** A held result, summarised: its text blocks clipped, other blocks named by type. */
function resultSummary(result: Record<string, unknown> | null): string | null {
  if (!result) return null;
  const blocks = Array.isArray(result.content) ? (result.content as { type?: string; text?: string }[]) : [];
  const text = blocks.map((b) => (b.type === "text" && typeof b.text === "string" ? b.text : `[${b.type ?? "block"}]`)).join("\n");
  return text.length > RESULT_SUMMARY_CHARS ? `${text.slice(0, RESULT_SUMMARY_CHARS)}… (${text.length} characters)` : text;
}

export async function buildEvidence(approvalId: string) {
  const request = await getApproval(approvalId);
  const [rule, events] = await Promise.all([
    ruleAtVersion(request.ruleName, request.policyVersion),
    db.auditEvent.findMany({ where: { approvalId }, orderBy: { seq: "asc" }, take: 200 }),
  ]);
  return {
    type: "airlock.evidence" as const,
    generatedAt: new Date().toISOString(),
    request: {
      id: request.id,
      status: request.status,
      outcome: request.outcome,
      stage: request.stage,
      createdAt: request.createdAt,
      decidedAt: request.decidedAt,
      executedAt: request.executedAt,
      bridge: request.bridgeName,
      client: request.clientName ? `${request.clientName} ${request.clientVersion ?? ""}`.trim() : null,
      principal: request.principal,
      sessionId: request.sessionId,
      heldReason: request.heldReason,
    },
    why: { prompt: request.prompt, reasoning: request.reasoning, context: request.context },
    action: {
      server: request.server,
      tool: request.tool,
      toolDescription: request.toolDescription,
      proposed: { arguments: request.arguments, argumentsHash: request.argumentsHash },
      approved: request.approvedArgumentsHash ? { arguments: request.approvedArguments, argumentsHash: request.approvedArgumentsHash } : null,
      executed: request.executedArguments ? { arguments: request.executedArguments, error: request.executionError } : null,
    },
    findings: request.findings,
    chain: request.chain,
    rule: { name: request.ruleName, ...(rule ?? { version: request.policyVersion, rule: null }) },
    decisions: request.decisions,
    resultSummary: resultSummary(request.heldResult),
    auditEvents: events.map((e) => ({
      seq: e.seq === null ? null : Number(e.seq),
      createdAt: e.createdAt.toISOString(),
      kind: e.kind,
      argumentsHash: e.argumentsHash,
      detail: e.detail,
      hash: e.hash,
    })),
    receipt: request.receipt,
  };
}

const escapeHtml = (value: unknown) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const block = (value: unknown) => `<pre>${escapeHtml(typeof value === "string" ? value : JSON.stringify(value, null, 2))}</pre>`;

/** A printable page: every value escaped (prompts and arguments are the agent's text), no script. */
export function evidenceHtml(e: Evidence): string {
  const row = (k: string, v: unknown) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const decisions = e.decisions
    .map(
      (d) =>
        `<tr><td>${escapeHtml(d.reviewer)}</td><td>${escapeHtml(d.decision)}</td><td>${escapeHtml(d.comment)}</td><td><code>${escapeHtml(d.argumentsHash)}</code></td></tr>`,
    )
    .join("");
  const events = e.auditEvents
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.seq)}</td><td>${escapeHtml(a.createdAt)}</td><td>${escapeHtml(a.kind)}</td><td><code>${escapeHtml(a.hash)}</code></td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evidence: ${escapeHtml(e.action.tool)} (${escapeHtml(e.request.id)})</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#0f172a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #cbd5e1}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #e2e8f0}
th{width:12rem;color:#475569}pre{white-space:pre-wrap;word-break:break-word;background:#f8fafc;padding:.5rem;border:1px solid #e2e8f0}
code{font-size:12px;word-break:break-all}
</style></head><body>
<h1>Evidence for request ${escapeHtml(e.request.id)}</h1>
<p>Generated ${escapeHtml(e.generatedAt)} by Airlock. The JSON form of this bundle: <code>GET /api/approvals/${escapeHtml(e.request.id)}/evidence</code>.</p>
<h2>Request</h2><table>
${row("Status", `${e.request.status}${e.request.outcome ? ` (${e.request.outcome})` : ""}`)}${row("Asked", e.request.createdAt)}${row("Decided", e.request.decidedAt)}${row("Executed", e.request.executedAt)}
${row("Bridge", e.request.bridge)}${row("Client", e.request.client)}${row("On behalf of", e.request.principal)}${row("Session", e.request.sessionId)}${row("Why held", e.request.heldReason)}
</table>
<h2>Why the agent asked</h2><h3>Prompt</h3>${block(e.why.prompt ?? "(none given)")}<h3>Reasoning</h3>${block(e.why.reasoning ?? "(none given)")}<h3>Context</h3>${block(e.why.context)}
<h2>Action</h2><table>${row("Server", e.action.server)}${row("Tool", e.action.tool)}${row("Proposed arguments hash", e.action.proposed.argumentsHash)}${row("Approved arguments hash", e.action.approved?.argumentsHash)}</table>
<h3>Proposed arguments</h3>${block(e.action.proposed.arguments)}
${e.action.approved ? `<h3>Approved arguments</h3>${block(e.action.approved.arguments)}` : ""}
${e.action.executed ? `<h3>Executed arguments</h3>${block(e.action.executed.arguments)}` : ""}
<h2>Findings</h2>${e.findings.length ? block(e.findings) : "<p>None.</p>"}
<h2>Rule</h2><table>${row("Name", e.rule.name ?? "(policy default)")}${row("Policy version", e.rule.version)}</table>${e.rule.rule ? block(e.rule.rule) : ""}
<h2>Decisions</h2>${decisions ? `<table><tr><th>Reviewer</th><th>Decision</th><th>Comment</th><th>Arguments hash</th></tr>${decisions}</table>` : "<p>None.</p>"}
${e.resultSummary !== null ? `<h2>Result</h2>${block(e.resultSummary)}` : ""}
<h2>Audit events</h2><table><tr><th>Seq</th><th>At</th><th>Kind</th><th>Hash</th></tr>${events}</table>
<h2>Receipt</h2>${e.receipt ? block(e.receipt) : "<p>None yet (not decided).</p>"}
</body></html>`;
}
