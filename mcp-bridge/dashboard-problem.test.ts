import { describe, expect, it } from "vitest";
import { DashboardError } from "./dashboard-client";
import { describeDashboardProblem } from "./dashboard-problem";

const URL = "http://127.0.0.1:3000";

describe("describeDashboardProblem", () => {
  it.each([
    [new DashboardError("refused", 401), `the dashboard at ${URL} refused the bridge token (HTTP 401): check AIRLOCK_BRIDGE_TOKEN / --token`],
    [new DashboardError("refused", 403), `the dashboard at ${URL} refused the bridge token (HTTP 403): check AIRLOCK_BRIDGE_TOKEN / --token`],
    [
      new DashboardError("not reached", undefined, "getaddrinfo ENOTFOUND airlock.invalid"),
      `cannot reach the dashboard at ${URL}: getaddrinfo ENOTFOUND airlock.invalid`,
    ],
    [
      new DashboardError("the Airlock dashboard refused /api/bridge/policy (HTTP 500)", 500),
      `the dashboard at ${URL} did not give the bridge its policy: the Airlock dashboard refused /api/bridge/policy (HTTP 500)`,
    ],
  ])("%s", (error, message) => {
    expect(describeDashboardProblem(URL, error)).toBe(message);
  });
});
