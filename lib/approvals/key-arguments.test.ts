import { describe, expect, it } from "vitest";
import { keyArguments } from "./key-arguments";

describe("keyArguments", () => {
  it("puts where a call acts and whom it reaches first", () => {
    expect(keyArguments({ subject: "Q3", body: "hi", to: ["a@x.io", "b@x.io"], cc: "c@x.io" })).toEqual([
      { name: "to", value: "[a@x.io, b@x.io]" },
      { name: "cc", value: "c@x.io" },
      { name: "subject", value: "Q3" },
    ]);
    expect(keyArguments({ content: "x", path: "/srv/a.txt" }).map((a) => a.name)).toEqual(["path", "content"]);
    expect(keyArguments({ source_path: "/a", destination: "/b", mode: 1 }).map((a) => a.name)).toEqual(["source_path", "destination", "mode"]);
  });

  it("does not take a word that merely ends like one for a path or recipient", () => {
    expect(keyArguments({ photo: "x", total: 3, path: "/p" }).map((a) => a.name)).toEqual(["path", "photo", "total"]);
  });

  it("shows the first line of multi-line text and how many follow", () => {
    expect(keyArguments({ content: "line one\nline two\nline three" })).toEqual([{ name: "content", value: "line one (+2 lines)" }]);
    expect(keyArguments({ content: "a".repeat(200) }, 3, 10)[0]!.value).toBe("aaaaaaaaa…");
  });

  it("summarises objects, long arrays and scalars", () => {
    expect(keyArguments({ options: { a: 1, b: 2 }, ids: [1, 2, 3, 4, 5], force: true })).toEqual([
      { name: "options", value: "{2 fields}" },
      { name: "ids", value: "[1, 2, 3, +2]" },
      { name: "force", value: "true" },
    ]);
  });

  it("is empty for no arguments", () => {
    expect(keyArguments({})).toEqual([]);
    expect(keyArguments(null)).toEqual([]);
  });
});
