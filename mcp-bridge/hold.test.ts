import { describe, expect, it } from "vitest";
import type { PolicyDecision } from "../lib/policy/policy.types";
import { needsNewApproval } from "./hold";

const held = (over: Partial<PolicyDecision> = {}): PolicyDecision => ({
  action: "require_approval",
  rule: null,
  reason: "test",
  timeoutSeconds: 60,
  approvers: 1,
  approverRole: "reviewer",
  onTimeout: "reject",
  ...over,
});

describe("needsNewApproval (an edited call checked again)", () => {
  it("keeps an approval the same rule would give", () => {
    expect(needsNewApproval(held(), held())).toBe(false);
    expect(needsNewApproval(held({ approverGroup: "payments" }), held({ approverGroup: "payments" }))).toBe(false);
    expect(needsNewApproval(held(), held({ action: "allow" }))).toBe(false);
  });

  it("asks again for more approvers, admins, or another approver group", () => {
    expect(needsNewApproval(held(), held({ approvers: 2 }))).toBe(true);
    expect(needsNewApproval(held(), held({ approverRole: "admin" }))).toBe(true);
    expect(needsNewApproval(held(), held({ approverGroup: "payments" }))).toBe(true);
    expect(needsNewApproval(held({ approverGroup: "support" }), held({ approverGroup: "payments" }))).toBe(true);
  });
});
