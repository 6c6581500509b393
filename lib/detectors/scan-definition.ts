import { crossToolShadowing } from "./cross-tool-shadowing";
import { definitionFields, MAX_FIELD_CHARS } from "./definition-fields";
import type { TDetector, TFinding, TScanContext, TTextField } from "./detector.types";
import { findingOf, severityRank } from "./detector.types";
import { encodedPayloads } from "./encoded-payloads";
import { harvestingParameters } from "./harvesting-parameters";
import { hiddenInstructions } from "./hidden-instructions";
import { invisibleUnicode } from "./invisible-unicode";
import { lookalikeNames } from "./lookalike-names";
import { promptInjection } from "./prompt-injection";
import { sensitivePaths } from "./sensitive-paths";

/** Every detector that reads tool, prompt and resource-template definitions and server instructions. */
export const DEFINITION_DETECTORS: readonly TDetector[] = [
  hiddenInstructions,
  crossToolShadowing,
  harvestingParameters,
  sensitivePaths,
  invisibleUnicode,
  encodedPayloads,
  lookalikeNames,
  // The content signs too (a note to the AI, chat-template turns, hidden HTML, exfiltration links); overlaps with hidden-instructions are dropped.
  promptInjection,
];

/** A prompt-injection finding on a span another detector already flagged says nothing new: it is dropped. */
function withoutOverlaps(findings: TFinding[]): TFinding[] {
  const kept: TFinding[] = [];
  for (const f of [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity))) {
    const overlaps =
      f.detector === promptInjection.id &&
      kept.some((k) => k.location === f.location && k.detector !== f.detector && f.evidence.start < k.evidence.end && k.evidence.start < f.evidence.end);
    if (!overlaps) kept.push(f);
  }
  return kept;
}

/** Not a detector: the note that a field was too long to scan whole. */
const SCAN_LIMITS = { id: "scan-limits", version: 1 };

/** Runs the definition detectors over text fields; over-long fields are scanned in their first part, and a finding says so. */
export function scanFields(fields: readonly TTextField[], context: TScanContext = {}): TFinding[] {
  const truncated: TFinding[] = [];
  const bounded = fields.map((field) => {
    if (field.text.length <= MAX_FIELD_CHARS) return field;
    truncated.push(
      findingOf(SCAN_LIMITS, {
        severity: "low",
        message: `only the first ${MAX_FIELD_CHARS} of ${field.text.length} characters were scanned`,
        location: field.location,
        evidence: { text: "", start: MAX_FIELD_CHARS, end: field.text.length },
      }),
    );
    return { ...field, text: field.text.slice(0, MAX_FIELD_CHARS) };
  });
  const asDefinition = { ...context, kind: "definition" as const };
  const findings = withoutOverlaps(DEFINITION_DETECTORS.flatMap((detector) => detector.scan(bounded, asDefinition)));
  return [...findings, ...truncated].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

/** Scans one tool definition (as an upstream lists it) in the context of the bridge's other tools. */
export function scanToolDefinition(definition: Record<string, unknown>, context: TScanContext = {}): TFinding[] {
  return scanFields(definitionFields(definition), { subject: typeof definition.name === "string" ? definition.name : undefined, ...context });
}

/** The highest severity among findings, or null. */
export function highestSeverity(findings: readonly TFinding[]): TFinding["severity"] | null {
  return findings.reduce<TFinding["severity"] | null>((max, f) => (max === null || severityRank(f.severity) > severityRank(max) ? f.severity : max), null);
}
