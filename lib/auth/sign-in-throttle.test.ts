import { describe, expect, it } from "vitest";
import { FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS, FREE_FAILURES_PER_ADDRESS, recordSignInFailure, recordSignInSuccess, signInDelay } from "./sign-in-throttle";

const unique = () => Math.random().toString(36).slice(2);

describe("sign-in throttle", () => {
  it("lets a few failures through, then doubles the wait after each further one", () => {
    const attempt = { email: `a${unique()}@example.com`, address: `10.1.${unique()}` };
    const t0 = 1_000_000;
    for (let i = 0; i < FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS; i++) recordSignInFailure(attempt, t0);
    expect(signInDelay(attempt, t0)).toBe(0);
    recordSignInFailure(attempt, t0);
    expect(signInDelay(attempt, t0)).toBe(1000);
    recordSignInFailure(attempt, t0 + 1000);
    expect(signInDelay(attempt, t0 + 1000)).toBe(2000);
    recordSignInFailure(attempt, t0 + 3000);
    expect(signInDelay(attempt, t0 + 3000)).toBe(4000);
    expect(signInDelay(attempt, t0 + 7000)).toBe(0);
  });

  it("never locks the account: the owner from another address is not delayed", () => {
    const email = `owner${unique()}@example.com`;
    const attacker = { email, address: `203.0.113.${unique()}` };
    for (let i = 0; i < 50; i++) recordSignInFailure(attacker);
    expect(signInDelay(attacker)).toBeGreaterThan(60_000);
    expect(signInDelay({ email, address: `198.51.100.${unique()}` })).toBe(0);
  });

  it("caps the wait at 15 minutes and forgets a key an hour after its last failure", () => {
    const attempt = { email: `c${unique()}@example.com`, address: `10.2.${unique()}` };
    const t0 = 5_000_000;
    for (let i = 0; i < 60; i++) recordSignInFailure(attempt, t0);
    expect(signInDelay(attempt, t0)).toBe(15 * 60_000);
    expect(signInDelay(attempt, t0 + 61 * 60_000)).toBe(0);
  });

  it("delays an address that sprays many accounts", () => {
    const address = `10.3.${unique()}`;
    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS + 1; i++) recordSignInFailure({ email: `u${i}${unique()}@example.com`, address });
    expect(signInDelay({ email: `fresh${unique()}@example.com`, address })).toBeGreaterThan(0);
  });

  it("a success clears its account and address, but not the address's own count", () => {
    const address = `10.4.${unique()}`;
    const victim = { email: `v${unique()}@example.com`, address };
    for (let i = 0; i < FREE_FAILURES_PER_ACCOUNT_AND_ADDRESS + 1; i++) recordSignInFailure(victim);
    recordSignInSuccess(victim);
    expect(signInDelay(victim)).toBe(0);

    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS; i++) recordSignInFailure({ email: `s${i}${unique()}@example.com`, address });
    const own = { email: `mine${unique()}@example.com`, address };
    recordSignInSuccess(own);
    expect(signInDelay(own)).toBeGreaterThan(0);
  });
});
