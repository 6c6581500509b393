import { describe, expect, it } from "vitest";
import { requestIdFrom } from "./request-id";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("requestIdFrom", () => {
  it.each([
    ["abc-123_XYZ", "abc-123_XYZ"],
    ["a".repeat(64), "a".repeat(64)],
    [["first-id", "second"], "first-id"],
  ])("keeps a short, plain id (%s)", (header, expected) => {
    expect(requestIdFrom(header)).toBe(expected);
  });

  it.each([
    ["undefined", undefined],
    ["empty", ""],
    ["too long", "a".repeat(65)],
    ["a newline (log injection)", "abc\nlevel=error"],
    ["a space", "abc def"],
    ["a quote", 'abc"'],
    ["a dot", "abc.def"],
  ])("replaces %s with a new UUID", (_name, header) => {
    const id = requestIdFrom(header);
    expect(id).toMatch(UUID);
    expect(id).not.toBe(header);
  });
});
