import { describe, expect, it } from "vitest";
import { EVENT_CLASSES, parseRetention } from "./retention-policy";

describe("AIRLOCK_AUDIT_RETENTION", () => {
  it("reads days and years per class; unset keeps everything", () => {
    expect(parseRetention("calls=90d, access=1y")).toEqual({ calls: 90, access: 365 });
    expect(parseRetention(undefined)).toEqual({});
    expect(parseRetention("")).toEqual({});
  });

  it("refuses what it cannot read, naming the part", () => {
    expect(() => parseRetention("calls=5weeks")).toThrow('"calls=5weeks" is not CLASS=<days>d');
    expect(() => parseRetention("constructor=5d")).toThrow('unknown class "constructor"');
    expect(() => parseRetention("calls=0d")).toThrow("at least a day");
  });

  it("never purges the records that vouch for purges", () => {
    expect(Object.values(EVENT_CLASSES).flat()).not.toContain("audit_purged");
  });
});
