import { describe, expect, it } from "vitest";
import { REDACTED, redactArguments, restoreRedacted, ZArgumentPath } from "./redact";

const args = {
  to: "ada@example.com",
  headers: { authorization: "Bearer s3cret", accept: "json" },
  files: [
    { name: "a", content: "A" },
    { name: "b", content: "B" },
  ],
};

describe("redaction", () => {
  it("masks exact and wildcard paths without touching the original", () => {
    const redacted = redactArguments(args, ["headers.authorization", "files.*.content", "missing.path"]);
    expect(redacted).toEqual({
      to: "ada@example.com",
      headers: { authorization: REDACTED, accept: "json" },
      files: [
        { name: "a", content: REDACTED },
        { name: "b", content: REDACTED },
      ],
    });
    expect(args.headers.authorization).toBe("Bearer s3cret");
  });

  it("restores what a reviewer left masked and keeps what they edited", () => {
    const paths = ["headers.authorization", "files.*.content"];
    const edited = redactArguments(args, paths) as typeof args;
    edited.to = "grace@example.com";
    edited.files[1].content = "replaced by the reviewer";
    expect(restoreRedacted(edited, args, paths)).toEqual({
      ...args,
      to: "grace@example.com",
      files: [
        { name: "a", content: "A" },
        { name: "b", content: "replaced by the reviewer" },
      ],
    });
  });

  it("validates paths", () => {
    expect(ZArgumentPath.safeParse("files.*.content").success).toBe(true);
    expect(ZArgumentPath.safeParse("files..content").success).toBe(false);
    expect(ZArgumentPath.safeParse("$.files").success).toBe(false);
  });
});
