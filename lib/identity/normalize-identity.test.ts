import { describe, expect, it } from "vitest";
import { isSameIdentity, normalizeIdentity } from "./normalize-identity";

describe("normalizeIdentity", () => {
  it.each([
    ["rita@x.test", "rita@x.test"],
    ["rita@x.test ", "trailing space"],
    [" rita@x.test", "leading space"],
    ["\trita@x.test\n", "tabs and newlines"],
    ["RITA@X.TEST", "upper case"],
    ["mailto:rita@x.test", "mailto:"],
    ["MAILTO: Rita@x.test", "upper-case mailto: with a space"],
    ["Rita Reviewer <rita@x.test>", "a display name"],
    ["<mailto:rita@x.test>", "mailto in brackets"],
    ["ｒｉｔａ@ｘ.ｔｅｓｔ", "full-width letters (NFKC)"],
    ["rita\u200B@x.test", "a zero-width space"],
    ["\u202Erita@x.test", "a bidi override"],
    ["rita@x.test\u{E0020}", "a Unicode tag character"],
    ["r\u00ADita@x.test", "a soft hyphen"],
  ])("%j names rita@x.test (%s)", (spelling) => {
    expect(normalizeIdentity(spelling)).toBe("rita@x.test");
    expect(isSameIdentity(spelling, "rita@x.test")).toBe(true);
  });

  it("keeps different people apart", () => {
    expect(isSameIdentity("rita@x.test", "rita@y.test")).toBe(false);
    expect(isSameIdentity("rita@x.test", "rita2@x.test")).toBe(false);
  });

  it("treats an empty or blank identity as nobody", () => {
    expect(isSameIdentity("", "")).toBe(false);
    expect(isSameIdentity(" \u200B ", "")).toBe(false);
    expect(isSameIdentity(null, "rita@x.test")).toBe(false);
  });
});
