import { describe, expect, it } from "vitest";
import { afterDecisionsInFlight, trackDecision } from "./decisions-in-flight";

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe("decisions in flight", () => {
  it("waits for the decisions in flight, and not for one that starts later", async () => {
    const order: string[] = [];
    const first = deferred();
    void trackDecision(first.promise).then(() => order.push("first decided"));
    const waiting = afterDecisionsInFlight().then(() => order.push("alert"));
    const later = deferred();
    void trackDecision(later.promise).then(() => order.push("later decided"));
    first.resolve();
    await waiting;
    expect(order).toEqual(["first decided", "alert"]);
    later.resolve();
    await later.promise;
    await afterDecisionsInFlight();
    expect(order).toEqual(["first decided", "alert", "later decided"]);
  });

  it("goes on after a decision that failed, which the caller still sees fail", async () => {
    const failing = deferred();
    const tracked = trackDecision(failing.promise);
    const waiting = afterDecisionsInFlight();
    failing.reject(new Error("conflict"));
    await expect(tracked).rejects.toThrow("conflict");
    await expect(waiting).resolves.toBeUndefined();
  });
});
