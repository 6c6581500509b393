import { describe, expect, it } from "vitest";
import { score, type TScoredItem } from "./score";

const item = (id: string, label: TScoredItem["label"], severities: ("low" | "medium" | "high")[], detector = "d", category = "c"): TScoredItem => ({
  id,
  label,
  category,
  findings: severities.map((severity) => ({ detector, severity, message: "m" })),
});

describe("scoring the labelled set", () => {
  it("counts recall and false alarms at the threshold, per category and per detector", () => {
    const s = score([
      item("a1", "attack", ["high"], "x", "one"),
      item("a2", "attack", ["low"], "x", "one"),
      item("a3", "attack", ["medium"], "y", "two"),
      item("b1", "benign", [], "x", "one"),
      item("b2", "benign", ["medium"], "y", "two"),
    ]);
    expect(s.total).toMatchObject({ attacks: 3, benign: 2, caught: 2, falseAlarms: 1 });
    expect(s.total.recall).toBeCloseTo(2 / 3);
    expect(s.total.falseAlarmRate).toBe(0.5);
    expect(s.byCategory.one).toMatchObject({ attacks: 2, caught: 1 });
    expect(s.byDetector).toEqual({ x: { caught: 1, caughtAlone: 1, falseAlarms: 0 }, y: { caught: 1, caughtAlone: 1, falseAlarms: 1 } });
    expect(s.missed.map((i) => i.id)).toEqual(["a2"]);
    expect(score([item("a2", "attack", ["low"])], "low").total.caught).toBe(1);
  });

  it("counts a session by whether a step was held, not by its findings", () => {
    const s = score([
      { ...item("s1", "attack", []), held: true },
      { ...item("s2", "benign", ["high"]), held: false },
    ]);
    expect(s.total).toMatchObject({ caught: 1, falseAlarms: 0 });
  });
});
