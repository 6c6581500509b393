import { describe, expect, it } from "vitest";
import { ZRule } from "./policy.types";

const hold = { name: "hold sends", match: { tool: "send_*" }, action: "require_approval" as const, timeoutSeconds: 600 };
const messages = (input: unknown) => (ZRule.safeParse(input).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("a rule's escalation", () => {
  it("takes a delay below the timeout and a role or named users", () => {
    expect(ZRule.parse({ ...hold, escalateAfterSeconds: 120 }).escalateTo).toBeUndefined();
    expect(ZRule.parse({ ...hold, escalateAfterSeconds: 120, escalateTo: "admin" }).escalateTo).toBe("admin");
    expect(ZRule.parse({ ...hold, escalateAfterSeconds: 120, escalateTo: ["lead@x.test", "cso@x.test"] }).escalateTo).toEqual(["lead@x.test", "cso@x.test"]);
  });

  it("refuses a delay the timeout would beat, a rule that does not hold, and a target without a delay", () => {
    expect(messages({ ...hold, escalateAfterSeconds: 600 })).toEqual([
      "escalateAfterSeconds: escalateAfterSeconds (600) must be less than timeoutSeconds (600): the request would expire first",
    ]);
    expect(messages({ ...hold, action: "allow", escalateAfterSeconds: 60 })).toEqual([
      "escalateAfterSeconds: only a rule that holds (require_approval, hold_result) can escalate",
    ]);
    expect(messages({ ...hold, escalateTo: "admin" })).toEqual(["escalateTo: escalateTo needs escalateAfterSeconds (when to escalate)"]);
    expect(messages({ ...hold, escalateAfterSeconds: 60, escalateTo: "auditor" })).toHaveLength(1);
    expect(messages({ ...hold, escalateAfterSeconds: 60, escalateTo: [] })).toHaveLength(1);
  });
});
