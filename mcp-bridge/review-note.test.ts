import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { reviewNote, withReviewNote } from "./review-note";

describe("review note", () => {
  it("is nothing when the reviewer neither edited nor commented", () => {
    expect(reviewNote(null, [])).toBeNull();
    expect(reviewNote("   ", [])).toBeNull();
  });

  it("adds the edited fields and the comment after the result's own content", () => {
    const result: CallToolResult = { content: [{ type: "text", text: "ok" }], structuredContent: { ok: true } };
    const out = withReviewNote(result, reviewNote(" use the staging bucket ", ["path", "options.mode"])!);
    expect(out.structuredContent).toEqual({ ok: true });
    expect(out.content).toEqual([
      { type: "text", text: "ok" },
      {
        type: "text",
        text: '[Airlock] a reviewer approved this call with edited arguments (changed: path, options.mode); the result above is for the edited call. Reviewer\'s comment: "use the staging bucket".',
      },
    ]);
    expect(out._meta).toEqual({ "airlock/review": { decision: "approved", editedFields: ["path", "options.mode"], comment: "use the staging bucket" } });
  });

  it("keeps the upstream's own _meta and puts the note only in _meta on a task handle", () => {
    const task = { task: { taskId: "t1", status: "working", createdAt: "2026-01-01T00:00:00Z", ttl: null }, _meta: { x: 1 } };
    const out = withReviewNote(task as never, { editedFields: [], comment: "fine" }) as unknown as Record<string, unknown>;
    expect(out).not.toHaveProperty("content");
    expect(out._meta).toEqual({ x: 1, "airlock/review": { decision: "approved", editedFields: [], comment: "fine" } });
  });
});
