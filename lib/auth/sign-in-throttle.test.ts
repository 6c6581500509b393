import { describe, expect, it } from "vitest";
import { isThrottled, recordFailure, recordSuccess } from "./sign-in-throttle";

describe("sign-in throttle", () => {
  it("refuses after ten failures in the window, and forgets after it", () => {
    const email = `t${Math.random()}@example.com`;
    const t0 = 1_000_000;
    for (let i = 0; i < 9; i++) recordFailure(email, t0);
    expect(isThrottled(email, t0)).toBe(false);
    recordFailure(email, t0);
    expect(isThrottled(email, t0 + 1000)).toBe(true);
    expect(isThrottled(email, t0 + 16 * 60_000)).toBe(false);
  });

  it("resets on a successful sign-in", () => {
    const email = `s${Math.random()}@example.com`;
    for (let i = 0; i < 10; i++) recordFailure(email);
    recordSuccess(email);
    expect(isThrottled(email)).toBe(false);
  });
});
