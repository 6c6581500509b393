import type { TRule } from "../policy/policy.types";

// The Rules page's form model (components/rules/rules-editor.tsx): a rule as editable text
// fields and back. Pure, so the round trip is unit-tested: editing a rule in the form must
// keep everything the form does not show.

type Action = TRule["action"];

/** The rule form's text fields; converted to a rule on submit. */
export interface Draft {
  /** Kept from the rule being edited, so a rename keeps its identity. */
  id?: string;
  /** Matchers the form does not show; kept as they were, so editing a rule never widens it. */
  bridge: string;
  principal: string;
  name: string;
  server: string;
  tool: string;
  readOnly: "" | "true" | "false";
  destructive: "" | "true" | "false";
  when: string;
  /** What the rule looks at: the call before it runs, or the result before the model sees it. */
  on: "call" | "result";
  action: Action;
  approvers: string;
  approverRole: "reviewer" | "admin";
  approverGroup: string;
  timeoutSeconds: string;
  onTimeout: "reject" | "allow";
  message: string;
  redact: string;
  enabled: boolean;
  /** What the form does not edit (escalation): kept as it was, so saving a rule here does not drop it. */
  kept: Pick<TRule, "escalateAfterSeconds" | "escalateTo">;
}

export const EMPTY: Draft = {
  bridge: "*",
  principal: "*",
  name: "",
  server: "*",
  tool: "*",
  readOnly: "",
  destructive: "",
  when: "",
  on: "call",
  action: "require_approval",
  approvers: "1",
  approverRole: "reviewer",
  approverGroup: "",
  timeoutSeconds: "600",
  onTimeout: "reject",
  message: "",
  redact: "",
  enabled: true,
  kept: {},
};

export function toDraft(rule: TRule): Draft {
  const hint = (v: boolean | undefined) => (v === undefined ? "" : v ? "true" : "false");
  return {
    ...(rule.id ? { id: rule.id } : {}),
    bridge: rule.match.bridge,
    principal: rule.match.principal,
    name: rule.name,
    server: rule.match.server,
    tool: rule.match.tool,
    readOnly: hint(rule.match.annotations?.readOnlyHint),
    destructive: hint(rule.match.annotations?.destructiveHint),
    when: rule.when ?? "",
    on: rule.on === "result" ? "result" : "call",
    action: rule.action,
    approvers: String(rule.approvers),
    approverRole: rule.approverRole,
    approverGroup: rule.approverGroup ?? "",
    timeoutSeconds: String(rule.timeoutSeconds),
    onTimeout: rule.onTimeout,
    message: rule.message ?? "",
    redact: (rule.redact ?? []).join(", "),
    enabled: rule.enabled,
    kept: {
      ...(rule.escalateAfterSeconds !== undefined ? { escalateAfterSeconds: rule.escalateAfterSeconds } : {}),
      ...(rule.escalateTo !== undefined ? { escalateTo: rule.escalateTo } : {}),
    },
  };
}

/** The rule as the API takes it; numbers stay as typed so the server's validation names a bad one. */
export function fromDraft(d: Draft): TRule {
  const annotations = {
    ...(d.readOnly ? { readOnlyHint: d.readOnly === "true" } : {}),
    ...(d.destructive ? { destructiveHint: d.destructive === "true" } : {}),
  };
  const redact = d.redact
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  return {
    ...(d.id ? { id: d.id } : {}),
    name: d.name.trim(),
    match: {
      server: d.server.trim(),
      tool: d.tool.trim(),
      bridge: d.bridge,
      principal: d.principal,
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    ...(d.when.trim() ? { when: d.when.trim() } : {}),
    ...(d.on === "result" ? { on: "result" as const } : {}),
    action: d.action,
    approvers: Number(d.approvers),
    approverRole: d.approverRole,
    ...(d.approverGroup.trim() ? { approverGroup: d.approverGroup.trim() } : {}),
    timeoutSeconds: Number(d.timeoutSeconds),
    onTimeout: d.onTimeout,
    ...(d.message.trim() ? { message: d.message.trim() } : {}),
    ...(redact.length ? { redact } : {}),
    ...d.kept,
    enabled: d.enabled,
  };
}
