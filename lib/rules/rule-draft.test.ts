import { describe, expect, it } from "vitest";
import { type TRule, ZRule } from "../policy/policy.types";
import { fromDraft, toDraft } from "./rule-draft";

describe("the rule form's round trip", () => {
  it("keeps every field of a rule edited in the form, those the form does not show included", () => {
    const rule: TRule = ZRule.parse({
      id: "rule_1",
      name: "hold payments",
      match: { server: "bank", tool: "*transfer*", bridge: "laptop-*", principal: "*@example.com", annotations: { destructiveHint: true } },
      when: "args.amount > 100",
      action: "require_approval",
      approvers: 2,
      approverRole: "admin",
      approverGroup: "payments",
      timeoutSeconds: 900,
      onTimeout: "reject",
      escalateAfterSeconds: 300,
      escalateTo: ["lead@example.com"],
      redact: ["iban"],
      message: "payments need two people",
      enabled: true,
    });
    expect(ZRule.parse(fromDraft(toDraft(rule)))).toEqual(rule);
  });

  it("drops the approver group when the field is cleared", () => {
    const rule = ZRule.parse({ name: "r", match: {}, action: "require_approval", approverGroup: "payments" });
    const draft = { ...toDraft(rule), approverGroup: "  " };
    expect(fromDraft(draft).approverGroup).toBeUndefined();
  });
});
