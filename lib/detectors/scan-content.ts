import { boundFields, jsonFields, MAX_CONTENT_CHARS, resultFields } from "./content-fields";
import type { TDetector, TFinding, TScanContext, TTextField } from "./detector.types";
import { findingOf, severityRank } from "./detector.types";
import { encodedPayloads } from "./encoded-payloads";
import { invisibleUnicode } from "./invisible-unicode";
import { pii } from "./pii";
import { promptInjection } from "./prompt-injection";
import { secrets } from "./secrets";
import { sensitivePaths } from "./sensitive-paths";

/** What enters the model: tool results, resources read, prompts got. */
export const RESULT_DETECTORS: readonly TDetector[] = [promptInjection, invisibleUnicode, encodedPayloads, secrets, pii];

/** What leaves: the arguments of a call. */
export const ARGUMENT_DETECTORS: readonly TDetector[] = [promptInjection, sensitivePaths, invisibleUnicode, encodedPayloads, secrets, pii];

export type TContentKind = "result" | "arguments";

const SCAN_LIMITS = { id: "scan-limits", version: 1 };

function runDetectors(detectors: readonly TDetector[], fields: readonly TTextField[], context: TScanContext): TFinding[] {
  const { fields: bounded, cut } = boundFields(fields);
  const findings = detectors.flatMap((detector) => detector.scan(bounded, context));
  for (const field of cut) {
    findings.push(
      findingOf(SCAN_LIMITS, {
        severity: "low",
        message: `only the first ${MAX_CONTENT_CHARS} of ${field.text.length} characters were scanned`,
        location: field.location,
        evidence: { text: "", start: MAX_CONTENT_CHARS, end: field.text.length },
      }),
    );
  }
  return findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

/** Scans a tool result (MCP `CallToolResult`), a resource read, a prompt got, or a plain string. */
export function scanResult(result: unknown, context: TScanContext = {}): TFinding[] {
  return runDetectors(RESULT_DETECTORS, resultFields(result), context);
}

/** Scans a call's arguments (any JSON value); locations read `arguments.<path>`. */
export function scanArguments(args: unknown, context: TScanContext = {}): TFinding[] {
  return runDetectors(ARGUMENT_DETECTORS, jsonFields("arguments", args), context);
}

/** Scans a text as a result or as arguments: JSON arguments are walked, other text is one field. */
export function scanText(text: string, as: TContentKind, context: TScanContext = {}): TFinding[] {
  if (as === "result") return scanResult(text, context);
  let parsed: unknown = text;
  try {
    // Long digit runs (card and account numbers) would lose digits as JSON numbers: read them as strings.
    parsed = JSON.parse(text.replace(/([:[,]\s*)(-?\d{15,})(?=\s*[,}\]])/g, '$1"$2"'));
  } catch {
    // Not JSON: the text is one argument value.
  }
  return scanArguments(parsed, context);
}
