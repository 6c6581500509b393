import { describe, expect, it } from "vitest";
import { APPROVAL_STATUSES } from "../bridge-api/bridge-api.types";
import { canTransition, isFinal } from "./state-machine";

describe("approval state machine", () => {
  it.each(["approved", "rejected", "expired", "withdrawn"] as const)("pending → %s is allowed", (to) => {
    expect(canTransition("pending", to)).toBe(true);
  });

  it("every decided state is final: no way out, not even back to pending", () => {
    for (const from of APPROVAL_STATUSES.filter((s) => s !== "pending")) {
      expect(isFinal(from)).toBe(true);
      for (const to of APPROVAL_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it("pending is not final and cannot stay pending by transition", () => {
    expect(isFinal("pending")).toBe(false);
    expect(canTransition("pending", "pending")).toBe(false);
  });
});
