// The detectors' shared vocabulary. Pure: no I/O, no framework; the bridge, the
// dashboard and the CLI all import these modules.

export const SEVERITIES = ["low", "medium", "high"] as const;
export type TSeverity = (typeof SEVERITIES)[number];

/** Where a finding's text sits: the field path and the offending span (offsets into that field's text). */
export interface TEvidence {
  text: string;
  start: number;
  end: number;
}

export interface TFinding {
  /** The detector's id, e.g. "hidden-instructions". */
  detector: string;
  /** The detector's version: findings from different versions are not compared as equal. */
  version: number;
  severity: TSeverity;
  message: string;
  /** The field path, e.g. `inputSchema.properties.notes.description`. */
  location: string;
  evidence: TEvidence;
  /**
   * The span is a list of many contacts (PII bulk data), not one value: redaction masks
   * the addresses and numbers in it and keeps the prose between them. Every other span,
   * however long (a PEM key block, a JWT), is masked whole.
   */
  isBulkList?: true;
}

/** One piece of text to scan and where it came from. */
export interface TTextField {
  location: string;
  text: string;
}

/** What a detector may know besides the text: the other tools' names, to spot shadowing and look-alikes. */
export interface TScanContext {
  /** The tool (or prompt) being scanned. */
  subject?: string;
  /** Names of the other tools the same bridge exposes. */
  otherTools?: readonly string[];
  /** A definition (tool, prompt, server instructions) speaks to the model by design; content (results, arguments) should not. */
  kind?: "definition" | "content";
}

export interface TDetector {
  id: string;
  version: number;
  scan(fields: readonly TTextField[], context: TScanContext): TFinding[];
}

/** A finding stamped with its detector's id and version, so a version is bumped in one place. */
export function findingOf(detector: Pick<TDetector, "id" | "version">, finding: Omit<TFinding, "detector" | "version">): TFinding {
  return { detector: detector.id, version: detector.version, ...finding };
}

export const severityRank = (s: TSeverity) => SEVERITIES.indexOf(s);

/**
 * Evidence text for a secret or a personal number: its first and last characters only.
 * Findings travel to the audit trail, reviewers and CI logs; the span's offsets still
 * point at the value in the text it came from.
 */
export function maskedEvidence(value: string): string {
  if (value.length <= 8) return "•".repeat(value.length);
  return `${value.slice(0, 4)}…${value.slice(-2)} (${value.length} characters)`;
}
