import { describe, expect, it } from "vitest";
import { type CapacityClaim, SessionCapacity } from "./session-capacity";

const claimOf = (result: ReturnType<SessionCapacity["tryClaim"]>): CapacityClaim => {
  if ("refusal" in result) throw new Error(result.refusal);
  return result.claim;
};

describe("SessionCapacity", () => {
  it("refuses the session over --max-sessions, naming the cap and the flag, and frees the slot on release", () => {
    const capacity = new SessionCapacity({ maxSessions: 2, maxProcesses: 100, processesPerSession: 1 });
    const first = claimOf(capacity.tryClaim());
    claimOf(capacity.tryClaim());
    expect(capacity.tryClaim()).toEqual({
      refusal:
        "the bridge already serves its maximum of 2 MCP sessions (--max-sessions 2): end a session (DELETE) or restart the bridge with a higher --max-sessions",
    });
    first.release();
    first.release(); // a second release must not free a slot it no longer holds
    claimOf(capacity.tryClaim());
    expect(capacity.sessionsInUse).toBe(2);
    expect("refusal" in capacity.tryClaim()).toBe(true);
  });

  it("refuses a session whose processes would pass --max-upstream-processes", () => {
    const capacity = new SessionCapacity({ maxSessions: 10, maxProcesses: 5, processesPerSession: 2 });
    const a = claimOf(capacity.tryClaim());
    claimOf(capacity.tryClaim());
    expect(capacity.tryClaim()).toEqual({
      refusal:
        "a new session needs 2 upstream processes, and the bridge already runs 4 of its 5 (--max-upstream-processes 5): end a session or restart the bridge with a higher --max-upstream-processes",
    });
    a.release();
    claimOf(capacity.tryClaim());
  });

  it("counts no processes for URL upstreams", () => {
    const capacity = new SessionCapacity({ maxSessions: 3, maxProcesses: 1, processesPerSession: 0 });
    for (let i = 0; i < 3; i++) claimOf(capacity.tryClaim());
    expect(capacity.tryClaim()).toMatchObject({ refusal: expect.stringContaining("--max-sessions 3") });
  });
});
