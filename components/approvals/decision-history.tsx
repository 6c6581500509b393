import type { TApprovalDetail } from "@/lib/approvals/approval-views";
import { ArgumentsView } from "./arguments-view";

/** Who decided what, and the proposed → approved → executed arguments when they differ. */
export function DecisionHistory({ approval }: { approval: TApprovalDetail }) {
  const isEdited = approval.approvedArguments && JSON.stringify(approval.approvedArguments) !== JSON.stringify(approval.arguments);
  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 className="text-lg font-semibold">Decisions</h2>
      <ul className="space-y-2 text-sm">
        {approval.decisions.map((d) => (
          <li key={d.createdAt + d.reviewer}>
            <span className="font-medium">{d.reviewer}</span> {d.decision === "approve" ? "approved" : "rejected"}
            {d.editedArguments ? " an edit" : ""}{" "}
            <code className="text-xs text-slate-500" title="canonical SHA-256 of the arguments this reviewer saw">
              {d.argumentsHash.slice(0, 12)}
            </code>{" "}
            <time dateTime={d.createdAt} className="text-slate-500">
              {new Date(d.createdAt).toISOString().replace("T", " ").slice(0, 19)} UTC
            </time>
            {d.comment && <p className="mt-0.5 text-slate-700">“{d.comment}”</p>}
          </li>
        ))}
      </ul>
      {isEdited && approval.approvedArguments && <ArgumentsView label="Approved arguments (edited)" value={approval.approvedArguments} />}
      {approval.executedArguments && (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium text-slate-700">Arguments the upstream received</summary>
          <ArgumentsView value={approval.executedArguments} />
        </details>
      )}
      {approval.executionError && <p className="text-sm text-red-700">Upstream failure: {approval.executionError}</p>}
    </section>
  );
}
