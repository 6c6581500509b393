import { findingOf, type TFinding, type TSeverity, type TTextField } from "./detector.types";

export interface TPattern {
  /** No nested quantifiers, bounded repeats: every pattern stays linear on hostile input. */
  regex: RegExp;
  severity: TSeverity;
  message: string;
}

const QUOTES = new Set(['"', "'", "`", "“", "”", "‘", "’", "«", "»"]);
/** Words that show a text talks *about* attacks (a scanner's docs, a write-up) rather than making one. */
const ABOUT_ATTACKS =
  /\b(detect|detects|detecting|scan|scans|scanner|flag|flags|example|examples|such as|e\.g\.|pattern|patterns|phrases?|injection|attacks?|malicious)\b/i;

/** A match inside quotation marks in a text about attacks: quoted, not addressed to the model. */
export function isQuotedMention(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - 2), start);
  const after = text.slice(end, end + 2);
  const isQuoted = [...before].some((c) => QUOTES.has(c)) && [...after].some((c) => QUOTES.has(c));
  return isQuoted && ABOUT_ATTACKS.test(text);
}

/** Runs patterns over fields; one finding per pattern and field (the first match), quoted mentions lowered to low. */
export function matchPatterns(detector: { id: string; version: number }, patterns: readonly TPattern[], fields: readonly TTextField[]): TFinding[] {
  const findings: TFinding[] = [];
  for (const field of fields) {
    for (const pattern of patterns) {
      const match = pattern.regex.exec(field.text);
      if (!match) continue;
      const start = match.index;
      const end = start + match[0].length;
      const isQuoted = isQuotedMention(field.text, start, end);
      findings.push(
        findingOf(detector, {
          severity: isQuoted ? "low" : pattern.severity,
          message: isQuoted ? `${pattern.message} (quoted, in a text about attacks)` : pattern.message,
          location: field.location,
          evidence: { text: match[0], start, end },
        }),
      );
    }
  }
  return findings;
}
