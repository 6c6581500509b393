import { describe, expect, it } from "vitest";
import type { TApprovalState, TCreateApproval } from "../lib/bridge-api/bridge-api.types";
import { createApprovalWithRetry } from "./create-approval-with-retry";
import { DashboardError } from "./dashboard-client";

const REQUEST = { idempotencyKey: "key-0123456789" } as TCreateApproval;
const CREATED: TApprovalState = { id: "a1", status: "pending", expiresAt: new Date().toISOString() };

/** A dashboard that fails the first answers as told, then creates. */
function flaky(failures: DashboardError[]) {
  const seen: (string | undefined)[] = [];
  return {
    seen,
    async createApproval(input: TCreateApproval) {
      seen.push(input.idempotencyKey);
      const failure = failures.shift();
      if (failure) throw failure;
      return CREATED;
    },
  };
}

describe("createApprovalWithRetry", () => {
  it("retries timeouts and overload with the same idempotency key until the dashboard answers", async () => {
    const dashboard = flaky([new DashboardError("timed out"), new DashboardError("busy", 503), new DashboardError("slow down", 429)]);
    const retries: number[] = [];
    const state = await createApprovalWithRetry({
      dashboard,
      request: REQUEST,
      signal: new AbortController().signal,
      windowMs: 10_000,
      onRetry: (_e, attempt) => retries.push(attempt),
    });
    expect(state).toEqual(CREATED);
    expect(dashboard.seen).toEqual(Array(4).fill("key-0123456789"));
    expect(retries).toEqual([1, 2, 3]);
  });

  it("does not retry a refusal", async () => {
    const dashboard = flaky([new DashboardError("bad token", 401)]);
    await expect(createApprovalWithRetry({ dashboard, request: REQUEST, signal: new AbortController().signal, windowMs: 10_000 })).rejects.toThrow("bad token");
    expect(dashboard.seen).toHaveLength(1);
  });

  it("gives up when the window closes, with the last error", async () => {
    const dashboard = flaky(Array.from({ length: 50 }, (_, i) => new DashboardError(`down ${i}`)));
    await expect(createApprovalWithRetry({ dashboard, request: REQUEST, signal: new AbortController().signal, windowMs: 400 })).rejects.toThrow(/down 1/);
    expect(dashboard.seen).toHaveLength(2); // at 0 ms and 250 ms; the next wait (500 ms) would pass the window
  });

  it("stops when the client cancels", async () => {
    const dashboard = flaky(Array.from({ length: 50 }, () => new DashboardError("down")));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(createApprovalWithRetry({ dashboard, request: REQUEST, signal: controller.signal, windowMs: 60_000 })).rejects.toThrow("down");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
