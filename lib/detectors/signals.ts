import { SIGNAL_NAMES, type TSignalSet } from "../policy/policy.types";
import type { TFinding, TSeverity } from "./detector.types";
import { severityRank } from "./detector.types";

type TSignalName = (typeof SIGNAL_NAMES)[number];

/** Which signal each detector's findings raise. */
const SIGNAL_OF_DETECTOR: Record<string, TSignalName> = {
  "prompt-injection": "injection",
  "hidden-instructions": "injection",
  "cross-tool-shadowing": "injection",
  secrets: "secret",
  pii: "pii",
  "sensitive-paths": "sensitive_path",
  "invisible-unicode": "hidden_text",
  "encoded-payloads": "encoded_payload",
};

/** Findings as a rule's `when` reads them: each kind true at medium or above, and its highest severity. */
export function signalsOf(findings: readonly TFinding[]): TSignalSet {
  const severity = Object.fromEntries([...SIGNAL_NAMES, "any"].map((n) => [n, "none"])) as TSignalSet["severity"];
  const raise = (name: TSignalName | "any", s: TSeverity) => {
    if (severity[name] === "none" || severityRank(s) > severityRank(severity[name] as TSeverity)) severity[name] = s;
  };
  for (const finding of findings) {
    const name = SIGNAL_OF_DETECTOR[finding.detector];
    if (!name) continue;
    raise(name, finding.severity);
    raise("any", finding.severity);
  }
  const flags = Object.fromEntries(Object.entries(severity).map(([name, s]) => [name, s === "medium" || s === "high"])) as Record<TSignalName | "any", boolean>;
  return { ...flags, severity };
}
