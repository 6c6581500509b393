"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { BUTTON_PRIMARY, BUTTON_SECONDARY } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";
import type { TPolicy, TRule } from "@/lib/policy/policy.types";
import type { DryRunChange } from "@/lib/rules/policy-simulation";
import { type Draft, EMPTY, fromDraft, toDraft } from "@/lib/rules/rule-draft";

type Action = TRule["action"];
type Issue = { path: string; message: string };
export interface RecentCall {
  id: string;
  at: string;
  server: string;
  tool: string;
  args: Record<string, unknown>;
  principal: string;
  bridge: string;
}

const INPUT = "block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 focus:border-accent";
const LABEL = "block text-xs font-semibold text-slate-700";

function summary(rule: TRule): string {
  const parts = [`${rule.match.server} / ${rule.match.tool}`];
  if (rule.match.annotations)
    parts.push(
      Object.entries(rule.match.annotations)
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    );
  if (rule.when) parts.push(`when ${rule.when}`);
  return parts.join(" · ");
}

/** Admins edit a draft of the whole policy (create, edit, reorder, disable), test it, dry-run it, then save it as one version. */
export function RulesEditor({ initial, canEdit, recentCalls }: { initial: TPolicy; canEdit: boolean; recentCalls: RecentCall[] }) {
  const router = useRouter();
  const [rules, setRules] = useState<TRule[]>(initial.rules);
  const [defaultAction, setDefaultAction] = useState<Action>(initial.default);
  const [editing, setEditing] = useState<{ index: number | null; draft: Draft } | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [notice, setNotice] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const [comment, setComment] = useState("");
  const [isBusy, setBusy] = useState(false);
  const [dryRun, setDryRun] = useState<null | { evaluated: number; skipped: number; changed: number; changes: DryRunChange[] }>(null);
  const [dryRunLimit, setDryRunLimit] = useState("500");

  const candidate = useMemo(
    () => ({ default: defaultAction, defaultTimeoutSeconds: initial.defaultTimeoutSeconds, rules }),
    [defaultAction, initial.defaultTimeoutSeconds, rules],
  );
  const isDirty =
    JSON.stringify(candidate) !== JSON.stringify({ default: initial.default, defaultTimeoutSeconds: initial.defaultTimeoutSeconds, rules: initial.rules });

  /** Asks the server to validate a policy (PUT dryRun): CEL is compiled there, and errors come back with their path. */
  async function validate(policy: object): Promise<Issue[]> {
    const result = await sendJson("/api/policy", "PUT", { policy, dryRun: true });
    if (result.ok) return [];
    const details = Array.isArray(result.details) ? (result.details as Issue[]) : [{ path: "", message: result.message }];
    return details;
  }

  async function submitRule() {
    if (!editing) return;
    const rule = fromDraft(editing.draft);
    const next = editing.index === null ? [...rules, rule] : rules.map((r, i) => (i === editing.index ? rule : r));
    const index = editing.index ?? next.length - 1;
    setBusy(true);
    const found = await validate({ ...candidate, rules: next });
    setBusy(false);
    const mine = found.filter((i) => i.path.startsWith(`policy.rules.${index}`) || !i.path.startsWith("policy.rules."));
    setIssues(mine.length ? mine : found);
    if (found.length) return;
    setRules(next);
    setEditing(null);
    setNotice({ kind: "info", text: `Rule "${rule.name}" is in the draft. Run a dry run, then save.` });
  }

  function move(index: number, by: -1 | 1) {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    next.splice(index + by, 0, rule);
    setRules(next);
  }

  async function runDryRun() {
    setBusy(true);
    setNotice(null);
    const result = await sendJson<typeof dryRun>("/api/policy/dry-run", "POST", { policy: candidate, limit: Number(dryRunLimit) });
    setBusy(false);
    if (!result.ok) return setNotice({ kind: "error", text: result.message });
    setDryRun(result.data);
  }

  async function save() {
    setBusy(true);
    const result = await sendJson<{ version: number; isApplied: boolean }>("/api/policy", "PUT", { policy: candidate, comment: comment.trim() || undefined });
    setBusy(false);
    if (!result.ok) return setNotice({ kind: "error", text: result.message });
    setNotice({ kind: "info", text: result.data.isApplied ? `Saved as version ${result.data.version}; running bridges have been told.` : "Nothing changed." });
    setComment("");
    setDryRun(null);
    router.refresh();
  }

  const issueFor = (field: string) => issues.find((i) => i.path.endsWith(`.${field}`) || i.path.includes(`.${field}.`))?.message;
  const d = editing?.draft;
  const set = (patch: Partial<Draft>) => setEditing((e) => (e ? { ...e, draft: { ...e.draft, ...patch } } : e));

  return (
    <div className="space-y-6">
      <section aria-labelledby="rules-list-heading" className="space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="rules-list-heading" className="text-lg font-semibold">
            Rules <span className="text-sm font-normal text-slate-600">(in order; the first enabled rule that matches decides)</span>
          </h2>
          {isDirty && <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">unsaved draft</span>}
        </div>
        <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="rules-list">
          {rules.length === 0 && <li className="px-3 py-4 text-sm text-slate-600">No rules: every call gets the default.</li>}
          {rules.map((rule, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: names are unique; the index keeps a half-typed duplicate from colliding
            <li key={`${rule.name}-${i}`} className="flex flex-wrap items-center gap-3 px-3 py-2 text-sm" data-testid="rule-row">
              <span className="w-6 text-slate-500">{i + 1}.</span>
              <span className={`font-medium ${rule.enabled ? "" : "text-slate-400 line-through"}`}>{rule.name}</span>
              <span className="rounded bg-slate-100 px-1.5 text-xs">{rule.action.replace("_", " ")}</span>
              {rule.on === "result" && <span className="rounded bg-violet-100 px-1.5 text-xs text-violet-900">on results</span>}
              <span className="min-w-0 flex-1 truncate font-mono text-xs text-slate-600" title={summary(rule)}>
                {summary(rule)}
              </span>
              {canEdit && (
                <span className="flex gap-1">
                  <label className="flex items-center gap-1 text-xs">
                    <input
                      type="checkbox"
                      checked={rule.enabled}
                      onChange={(e) => setRules(rules.map((r, j) => (j === i ? { ...r, enabled: e.target.checked } : r)))}
                    />
                    enabled
                  </label>
                  <button
                    type="button"
                    className="rounded px-1.5 text-xs hover:bg-slate-100 disabled:opacity-40"
                    disabled={i === 0}
                    onClick={() => move(i, -1)}
                    aria-label={`Move ${rule.name} up`}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="rounded px-1.5 text-xs hover:bg-slate-100 disabled:opacity-40"
                    disabled={i === rules.length - 1}
                    onClick={() => move(i, 1)}
                    aria-label={`Move ${rule.name} down`}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="rounded px-1.5 text-xs text-accent hover:bg-slate-100"
                    onClick={() => {
                      setIssues([]);
                      setEditing({ index: i, draft: toDraft(rule) });
                    }}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="rounded px-1.5 text-xs text-red-800 hover:bg-red-50"
                    onClick={() => setRules(rules.filter((_, j) => j !== i))}
                  >
                    Delete
                  </button>
                </span>
              )}
            </li>
          ))}
        </ol>
        <div className="flex flex-wrap items-end gap-3">
          <div>
            <label htmlFor="policy-default" className={LABEL}>
              Default (no rule matched)
            </label>
            <select
              id="policy-default"
              className={INPUT}
              value={defaultAction}
              disabled={!canEdit}
              onChange={(e) => setDefaultAction(e.target.value as Action)}
            >
              <option value="allow">allow</option>
              <option value="deny">deny</option>
              <option value="require_approval">require approval</option>
            </select>
          </div>
          {canEdit && !editing && (
            <button
              type="button"
              className={BUTTON_SECONDARY}
              onClick={() => {
                setIssues([]);
                setEditing({ index: null, draft: EMPTY });
              }}
            >
              Add rule
            </button>
          )}
        </div>
      </section>

      {d && (
        <form
          aria-labelledby="rule-form-heading"
          className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
          onSubmit={(e) => {
            e.preventDefault();
            void submitRule();
          }}
        >
          <h2 id="rule-form-heading" className="text-lg font-semibold">
            {editing?.index === null ? "New rule" : `Edit rule ${editing!.index! + 1}`}
          </h2>
          <div className="grid gap-3 md:grid-cols-3">
            <TextField id="rule-name" label="Name" value={d.name} onChange={(name) => set({ name })} error={issueFor("name")} />
            <TextField id="rule-server" label="Server (glob)" value={d.server} onChange={(server) => set({ server })} error={issueFor("server")} />
            <TextField id="rule-tool" label="Tool (glob)" value={d.tool} onChange={(tool) => set({ tool })} error={issueFor("tool")} />
            <SelectField
              id="rule-readonly"
              label="readOnlyHint"
              value={d.readOnly}
              onChange={(readOnly) => set({ readOnly: readOnly as Draft["readOnly"] })}
              options={[
                ["", "any"],
                ["true", "true"],
                ["false", "false (or absent)"],
              ]}
            />
            <SelectField
              id="rule-destructive"
              label="destructiveHint"
              value={d.destructive}
              onChange={(destructive) => set({ destructive: destructive as Draft["destructive"] })}
              options={[
                ["", "any"],
                ["true", "true"],
                ["false", "false (or absent)"],
              ]}
            />
            <SelectField
              id="rule-on"
              label="Applies to"
              value={d.on}
              onChange={(on) => set({ on: on as Draft["on"], action: on === "result" ? "hold_result" : "require_approval" })}
              options={[
                ["call", "calls, before they run"],
                ["result", "results, before the model sees them"],
              ]}
            />
            <SelectField
              id="rule-action"
              label="Action"
              value={d.action}
              onChange={(action) => set({ action: action as Action })}
              options={
                d.on === "result"
                  ? [
                      ["pass", "pass"],
                      ["flag", "flag (audit and reviewers only)"],
                      ["hold_result", "hold the result for a reviewer"],
                      ["redact", "redact secrets and PII"],
                      ["block", "block the result"],
                    ]
                  : [
                      ["allow", "allow"],
                      ["deny", "deny"],
                      ["require_approval", "require approval"],
                    ]
              }
            />
          </div>
          <div className="space-y-1">
            <label htmlFor="rule-when" className={LABEL}>
              Condition (CEL over args, tool, server, session, principal, signals; empty: always)
            </label>
            <textarea
              id="rule-when"
              rows={2}
              className={`${INPUT} font-mono`}
              value={d.when}
              onChange={(e) => set({ when: e.target.value })}
              aria-invalid={Boolean(issueFor("when"))}
              aria-describedby={issueFor("when") ? "rule-when-error" : undefined}
              placeholder='!args.path.startsWith("/workspace/")'
            />
            {issueFor("when") && (
              <pre id="rule-when-error" role="alert" data-testid="cel-error" className="whitespace-pre-wrap rounded bg-red-50 p-2 text-xs text-red-900">
                {issueFor("when")}
              </pre>
            )}
          </div>
          {(d.action === "require_approval" || d.action === "hold_result") && (
            <div className="grid gap-3 md:grid-cols-4">
              <TextField
                id="rule-approvers"
                label="Distinct approvers"
                type="number"
                value={d.approvers}
                onChange={(approvers) => set({ approvers })}
                error={issueFor("approvers")}
              />
              <SelectField
                id="rule-approver-role"
                label="Who may approve"
                value={d.approverRole}
                onChange={(v) => set({ approverRole: v as Draft["approverRole"] })}
                options={[
                  ["reviewer", "reviewers and admins"],
                  ["admin", "admins only"],
                ]}
              />
              <TextField
                id="rule-approver-group"
                label="Approver group (optional)"
                value={d.approverGroup}
                onChange={(approverGroup) => set({ approverGroup })}
                error={issueFor("approverGroup")}
              />
              <TextField
                id="rule-timeout"
                label="Timeout (seconds)"
                type="number"
                value={d.timeoutSeconds}
                onChange={(timeoutSeconds) => set({ timeoutSeconds })}
                error={issueFor("timeoutSeconds")}
              />
              <SelectField
                id="rule-on-timeout"
                label="On timeout"
                value={d.onTimeout}
                onChange={(v) => set({ onTimeout: v as Draft["onTimeout"] })}
                options={[
                  ["reject", "reject"],
                  ["allow", "allow"],
                ]}
              />
            </div>
          )}
          <div className="grid gap-3 md:grid-cols-2">
            <TextField
              id="rule-message"
              label="Message to the agent (deny)"
              value={d.message}
              onChange={(message) => set({ message })}
              error={issueFor("message")}
            />
            <TextField
              id="rule-redact"
              label="Redact argument paths (comma-separated)"
              value={d.redact}
              onChange={(redact) => set({ redact })}
              error={issueFor("redact")}
            />
          </div>
          {issues.length > 0 && !issueFor("when") && (
            <p role="alert" className="text-sm text-red-800">
              {issues[0].path ? `${issues[0].path}: ` : ""}
              {issues[0].message}
            </p>
          )}
          <div className="flex gap-3">
            <button type="submit" className={BUTTON_PRIMARY} disabled={isBusy}>
              Check and add to draft
            </button>
            <button
              type="button"
              className={BUTTON_SECONDARY}
              onClick={() => {
                setEditing(null);
                setIssues([]);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}

      <TestPanel policy={candidate} recentCalls={recentCalls} />

      <section aria-labelledby="dry-run-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="dry-run-heading" className="text-lg font-semibold">
          Dry run
        </h2>
        <p className="text-sm text-slate-600">Replays recent calls the bridges recorded through the draft and lists those whose outcome would change.</p>
        <div className="flex items-end gap-3">
          <div>
            <label htmlFor="dry-run-limit" className={LABEL}>
              Last N calls
            </label>
            <input id="dry-run-limit" type="number" min={1} max={5000} className={INPUT} value={dryRunLimit} onChange={(e) => setDryRunLimit(e.target.value)} />
          </div>
          <button type="button" className={BUTTON_SECONDARY} disabled={isBusy} onClick={runDryRun}>
            Run dry run
          </button>
        </div>
        {dryRun && <DryRunResult result={dryRun} />}
      </section>

      {canEdit && (
        <section aria-labelledby="save-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="save-heading" className="text-lg font-semibold">
            Save as a new version
          </h2>
          <div>
            <label htmlFor="policy-comment" className={LABEL}>
              Comment
            </label>
            <input id="policy-comment" className={INPUT} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="why this change" />
          </div>
          <button type="button" className={BUTTON_PRIMARY} disabled={isBusy || !isDirty || editing !== null} onClick={save}>
            Save
          </button>
        </section>
      )}
      {notice && (
        <p role={notice.kind === "error" ? "alert" : "status"} className={`text-sm ${notice.kind === "error" ? "text-red-800" : "text-green-800"}`}>
          {notice.text}
        </p>
      )}
    </div>
  );
}

function DryRunResult({ result }: { result: { evaluated: number; skipped: number; changed: number; changes: DryRunChange[] } }) {
  return (
    <div className="space-y-2" data-testid="dry-run-result">
      <p className="text-sm">
        {result.evaluated} calls replayed{result.skipped ? ` (${result.skipped} without stored arguments skipped)` : ""}:{" "}
        <strong>{result.changed} would change outcome</strong>
        {result.changes.length > result.changed && `, ${result.changes.length - result.changed} would be decided by another rule with the same outcome`}.
      </p>
      {result.changes.length > 0 && (
        <div className="overflow-x-auto">
          <table className="min-w-full text-left text-xs">
            <thead className="bg-slate-100">
              <tr>
                <th scope="col" className="px-2 py-1">
                  When
                </th>
                <th scope="col" className="px-2 py-1">
                  Call
                </th>
                <th scope="col" className="px-2 py-1">
                  Now
                </th>
                <th scope="col" className="px-2 py-1">
                  With the draft
                </th>
              </tr>
            </thead>
            <tbody>
              {result.changes.map((c) => (
                <tr key={c.eventId} className="border-t border-slate-100">
                  <td className="px-2 py-1">{c.at.slice(0, 19).replace("T", " ")}</td>
                  <td className="px-2 py-1 font-mono">
                    {c.server} / {c.tool}
                  </td>
                  <td className="px-2 py-1">
                    {c.before.action}
                    {c.before.rule ? ` (${c.before.rule})` : " (default)"}
                  </td>
                  <td className="px-2 py-1 font-semibold">
                    {c.after.action}
                    {c.after.rule ? ` (${c.after.rule})` : " (default)"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function TestPanel({ policy, recentCalls }: { policy: object; recentCalls: RecentCall[] }) {
  const [call, setCall] = useState({ server: "", tool: "", args: "{}", principal: "", bridge: "" });
  const [result, setResult] = useState<null | { action: string; rule: string | null; reason: string; trace: { name: string; result: string; why: string }[] }>(
    null,
  );
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setError(null);
    let args: unknown;
    try {
      args = JSON.parse(call.args || "{}");
    } catch (e) {
      return setError(`The arguments are not valid JSON: ${(e as Error).message}`);
    }
    const response = await sendJson<NonNullable<typeof result>>("/api/policy/test", "POST", { policy, call: { ...call, args } });
    if (!response.ok) return setError(response.message);
    setResult(response.data);
  }

  return (
    <section aria-labelledby="test-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="test-heading" className="text-lg font-semibold">
        Test a call against the draft
      </h2>
      {recentCalls.length > 0 && (
        <div>
          <label htmlFor="test-pick" className={LABEL}>
            Pick a recent call
          </label>
          <select
            id="test-pick"
            className={INPUT}
            defaultValue=""
            onChange={(e) => {
              const picked = recentCalls.find((c) => c.id === e.target.value);
              if (picked)
                setCall({
                  server: picked.server,
                  tool: picked.tool,
                  args: JSON.stringify(picked.args, null, 2),
                  principal: picked.principal,
                  bridge: picked.bridge,
                });
            }}
          >
            <option value="">—</option>
            {recentCalls.map((c) => (
              <option key={c.id} value={c.id}>
                {c.at.slice(0, 19).replace("T", " ")} · {c.server} / {c.tool}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="grid gap-3 md:grid-cols-4">
        <TextField id="test-server" label="Server" value={call.server} onChange={(server) => setCall({ ...call, server })} />
        <TextField id="test-tool" label="Tool" value={call.tool} onChange={(tool) => setCall({ ...call, tool })} />
        <TextField id="test-principal" label="Principal" value={call.principal} onChange={(principal) => setCall({ ...call, principal })} />
        <TextField id="test-bridge" label="Bridge" value={call.bridge} onChange={(bridge) => setCall({ ...call, bridge })} />
      </div>
      <div>
        <label htmlFor="test-args" className={LABEL}>
          Arguments (JSON)
        </label>
        <textarea id="test-args" rows={3} className={`${INPUT} font-mono`} value={call.args} onChange={(e) => setCall({ ...call, args: e.target.value })} />
      </div>
      <button type="button" className={BUTTON_SECONDARY} onClick={run}>
        Test
      </button>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
      {result && (
        <div className="space-y-2 text-sm" data-testid="test-result">
          <p>
            <strong>{result.action.replace("_", " ")}</strong> — {result.reason}
          </p>
          <ol className="list-inside list-decimal text-xs">
            {result.trace.map((t) => (
              <li key={t.name}>
                <span className="font-medium">{t.name}</span>: {t.result} — {t.why}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  error,
  type = "text",
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  type?: string;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <input
        id={id}
        type={type}
        className={INPUT}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}

function SelectField({
  id,
  label,
  value,
  onChange,
  options,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: [string, string][];
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      <select id={id} className={INPUT} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
