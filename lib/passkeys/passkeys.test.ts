import { describe, expect, it } from "vitest";
import {
  CHALLENGE_TTL_SECONDS,
  type ChallengeRow,
  type ChallengeStore,
  challengeMatches,
  peekChallenge,
  secretHash,
  storeChallenge,
  takeChallenge,
} from "./challenges";
import { relyingParty } from "./relying-party";
import { parseStepUp, reviewLinkStepUp } from "./step-up-policy";

/** The same contract as the database store (lib/passkeys/challenge-store.ts): a row is taken by exactly one caller. */
function memoryStore(): ChallengeStore & { rows: Map<string, ChallengeRow> } {
  const rows = new Map<string, ChallengeRow>();
  let next = 0;
  return {
    rows,
    async insert(row) {
      const id = `c${next++}`;
      rows.set(id, { ...row, id });
    },
    async findByHash(hash) {
      return [...rows.values()].find((r) => r.hash === hash) ?? null;
    },
    async take(id) {
      return rows.delete(id);
    },
    async pruneExpired(now) {
      for (const [id, row] of rows) if (row.expiresAt.getTime() <= now.getTime()) rows.delete(id);
    },
  };
}

describe("passkey challenges", () => {
  const t0 = new Date("2026-01-01T10:00:00Z");
  const binding = { purpose: "authentication" as const, userId: "u1", reviewLinkId: "l1" };

  it("are stored hashed, never in the clear", async () => {
    const store = memoryStore();
    await storeChallenge(store, "the-secret", binding, t0);
    const [row] = [...store.rows.values()];
    expect(row.hash).toBe(secretHash("the-secret"));
    expect(JSON.stringify(row)).not.toContain("the-secret");
    expect(row.expiresAt.getTime() - t0.getTime()).toBe(CHALLENGE_TTL_SECONDS * 1000);
    expect(CHALLENGE_TTL_SECONDS).toBeLessThanOrEqual(300);
  });

  it("work once", async () => {
    const store = memoryStore();
    await storeChallenge(store, "s", binding, t0);
    expect(await takeChallenge(store, "s", binding, t0)).toBe(true);
    expect(await takeChallenge(store, "s", binding, t0)).toBe(false);
  });

  it("of two concurrent uses, one wins", async () => {
    const store = memoryStore();
    await storeChallenge(store, "s", binding, t0);
    const results = await Promise.all([takeChallenge(store, "s", binding, t0), takeChallenge(store, "s", binding, t0)]);
    expect(results.sort()).toEqual([false, true]);
  });

  it("expire after five minutes", async () => {
    const store = memoryStore();
    await storeChallenge(store, "s", binding, t0);
    expect(await peekChallenge(store, "s", binding, new Date(t0.getTime() + CHALLENGE_TTL_SECONDS * 1000 - 1))).toBe(true);
    expect(await takeChallenge(store, "s", binding, new Date(t0.getTime() + CHALLENGE_TTL_SECONDS * 1000))).toBe(false);
    // ... and were spent by the refused attempt.
    expect(store.rows.size).toBe(0);
  });

  it("are bound to their user, purpose and link; a wrong use spends them all the same", async () => {
    const store = memoryStore();
    for (const wrong of [
      { ...binding, userId: "u2" },
      { ...binding, purpose: "registration" as const },
      { ...binding, purpose: "step_up" as const },
      { ...binding, reviewLinkId: "l2" },
      { ...binding, reviewLinkId: null },
    ]) {
      await storeChallenge(store, "s", binding, t0);
      expect(await peekChallenge(store, "s", wrong, t0)).toBe(false);
      expect(await takeChallenge(store, "s", wrong, t0)).toBe(false);
      expect(await takeChallenge(store, "s", binding, t0)).toBe(false);
    }
  });

  it("refuse unknown and empty secrets", async () => {
    const store = memoryStore();
    await storeChallenge(store, "s", binding, t0);
    expect(await takeChallenge(store, "other", binding, t0)).toBe(false);
    expect(await takeChallenge(store, "", binding, t0)).toBe(false);
    expect(await peekChallenge(store, "x".repeat(500), binding, t0)).toBe(false);
    expect(store.rows.size).toBe(1);
  });

  it("storing prunes expired ones", async () => {
    const store = memoryStore();
    await storeChallenge(store, "old", binding, t0);
    await storeChallenge(store, "new", binding, new Date(t0.getTime() + 10 * 60_000));
    expect([...store.rows.values()].map((r) => r.hash)).toEqual([secretHash("new")]);
  });

  it("matching checks every field", () => {
    const row: ChallengeRow = { id: "1", purpose: "step_up", hash: "h", userId: "u1", reviewLinkId: "l1", expiresAt: new Date(t0.getTime() + 1000) };
    expect(challengeMatches(row, { purpose: "step_up", userId: "u1", reviewLinkId: "l1" }, t0)).toBe(true);
    expect(challengeMatches(row, { purpose: "step_up", userId: "u1", reviewLinkId: "l1" }, new Date(t0.getTime() + 1000))).toBe(false);
  });
});

describe("the relying party", () => {
  it("is AIRLOCK_PUBLIC_URL's host first", () => {
    expect(relyingParty("http://127.0.0.1:3000", { AIRLOCK_PUBLIC_URL: "https://airlock.example.com/", NEXTAUTH_URL: "https://other.example.com" })).toEqual({
      rpID: "airlock.example.com",
      origin: "https://airlock.example.com",
      name: "Airlock",
    });
  });

  it("keeps a port in the origin, never in the RP ID", () => {
    expect(relyingParty(null, { AIRLOCK_PUBLIC_URL: "https://airlock.example.com:8443/base" })).toMatchObject({
      rpID: "airlock.example.com",
      origin: "https://airlock.example.com:8443",
    });
  });

  it("is NEXTAUTH_URL's host without a public URL", () => {
    expect(relyingParty("http://10.0.0.1", { NEXTAUTH_URL: "http://localhost:3000" })).toMatchObject({ rpID: "localhost", origin: "http://localhost:3000" });
  });

  it("is the request's host without either", () => {
    expect(relyingParty("https://review.internal:9000", {})).toMatchObject({ rpID: "review.internal", origin: "https://review.internal:9000" });
    expect(relyingParty("http://localhost:3000", { AIRLOCK_PUBLIC_URL: "", NEXTAUTH_URL: "" })).toMatchObject({ rpID: "localhost" });
  });

  it("refuses to guess", () => {
    expect(() => relyingParty(null, {})).toThrow(/AIRLOCK_PUBLIC_URL/);
    expect(() => relyingParty(null, { AIRLOCK_PUBLIC_URL: "ftp://x.example.com" })).toThrow(/not http/);
    expect(() => relyingParty(null, { AIRLOCK_PUBLIC_URL: "not a url" })).toThrow();
  });
});

describe("AIRLOCK_REVIEW_LINK_STEP_UP", () => {
  it("is off by default and passkey when asked", () => {
    expect(parseStepUp(undefined)).toBeNull();
    expect(parseStepUp("")).toBeNull();
    expect(parseStepUp("off")).toBeNull();
    expect(parseStepUp("passkey")).toBe("passkey");
    expect(parseStepUp(" Passkey ")).toBe("passkey");
  });

  it("refuses other values at the start, and fails closed at run time", () => {
    expect(() => parseStepUp("password")).toThrow(/AIRLOCK_REVIEW_LINK_STEP_UP/);
    expect(reviewLinkStepUp("password")).toBe("passkey");
    expect(reviewLinkStepUp(undefined)).toBeNull();
  });
});
