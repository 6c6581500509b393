import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { isTaskCreated, type ToolAnswer } from "./call-context";

/** What the agent is told about a human's approval: which fields a reviewer changed, and their comment. */
export interface ReviewNote {
  editedFields: string[];
  comment: string | null;
}

export function reviewNote(comment: string | null | undefined, editedFields: string[]): ReviewNote | null {
  const text = comment?.trim() || null;
  return text || editedFields.length ? { editedFields, comment: text } : null;
}

/**
 * The result with the reviewer's note added for the model: a last text block
 * (what a model reads) and `_meta["airlock/review"]` (what a client program
 * reads). A task handle has no content: only its `_meta` carries the note.
 */
export function withReviewNote<T extends ToolAnswer>(result: T, note: ReviewNote): T {
  const meta = { ...(result._meta ?? {}), "airlock/review": { decision: "approved", ...note } };
  if (isTaskCreated(result)) return { ...result, _meta: meta };
  const parts = [
    note.editedFields.length
      ? `a reviewer approved this call with edited arguments (changed: ${note.editedFields.join(", ")}); the result above is for the edited call`
      : "a reviewer approved this call",
    ...(note.comment ? [`Reviewer's comment: "${note.comment}"`] : []),
  ];
  const content = [...(result as CallToolResult).content, { type: "text" as const, text: `[Airlock] ${parts.join(". ")}.` }];
  return { ...result, content, _meta: meta };
}
