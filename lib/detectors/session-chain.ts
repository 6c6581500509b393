import type { TFinding } from "./detector.types";

/** One recorded step of an MCP session: the shape `airlock scan --session` reads and the audit trail exports. */
export interface TSessionStep {
  server: string;
  tool: string;
  annotations?: { title?: string; readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
  arguments?: unknown;
  result?: unknown;
}

export interface TStepVerdict {
  index: number;
  held: boolean;
  /** One line each: why the step would have been held. */
  reasons: string[];
  findings: TFinding[];
}

/** Replays a session through every detector and the chain rule (not implemented yet). */
export function replaySession(steps: readonly TSessionStep[]): TStepVerdict[] {
  return steps.map((_, index) => ({ index, held: false, reasons: [], findings: [] }));
}
