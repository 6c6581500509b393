import { findingOf, type TFinding, type TSeverity, type TTextField } from "./detector.types";
import { foldText } from "./fold-text";

export interface TPattern {
  /** No nested quantifiers, bounded repeats: every pattern stays linear on hostile input. */
  regex: RegExp;
  severity: TSeverity;
  message: string;
}

const QUOTES = new Set(['"', "'", "`", "“", "”", "‘", "’", "«", "»"]);
/** Words that show a text talks *about* attacks (a scanner's docs, a write-up) rather than making one. */
const ABOUT_ATTACKS =
  /\b(detect|detects|detecting|scan|scans|scanner|flag|flags|example|examples|such as|e\.g\.|pattern|patterns|phrases?|injection|attacks?|attackers?|malicious|poisoning|exploits?|vulnerabilit(?:y|ies))\b/i;

/** What introduces a reported attack: "for example", "such as", "tells the model to"… */
const REPORTED =
  /(?:\b(?:such as|like|e\.g\.|for example|for instance|phrases?|strings?|payloads?|known as|called|saying|says)\s*[:,]?\s*["'“‘«`]?|\b(?:tells?|told|instructs?|asks?|tricks?|convinces?|forces?|causes?|makes?|gets?)\s+(?:the\s+|a\s+|an\s+)?(?:model|ai|llm|assistant|agent|victim)s?\s+(?:in)?to\s+)$/i;

/**
 * A match quoted or reported in a text about attacks (a scanner's docs, a write-up):
 * inside quotation marks, or introduced by "for example", "such as", "tells the model to".
 */
export function isQuotedMention(text: string, start: number, end: number): boolean {
  if (!ABOUT_ATTACKS.test(text)) return false;
  const before = text.slice(Math.max(0, start - 2), start);
  const after = text.slice(end, end + 2);
  const isQuoted = [...before].some((c) => QUOTES.has(c)) && [...after].some((c) => QUOTES.has(c));
  return isQuoted || REPORTED.test(text.slice(Math.max(0, start - 60), start));
}

/**
 * Runs patterns over fields, folded first (look-alike letters, fullwidth forms and split
 * words read as the model reads them); one finding per pattern and field (the first
 * match), quoted mentions lowered to low. Evidence points into the text as given.
 */
export function matchPatterns(detector: { id: string; version: number }, patterns: readonly TPattern[], fields: readonly TTextField[]): TFinding[] {
  const findings: TFinding[] = [];
  for (const field of fields) {
    const folded = foldText(field.text);
    for (const pattern of patterns) {
      const match = pattern.regex.exec(folded.text);
      if (!match) continue;
      const isQuoted = isQuotedMention(folded.text, match.index, match.index + match[0].length);
      const start = folded.toOriginal(match.index);
      const end = folded.toOriginal(match.index + match[0].length);
      findings.push(
        findingOf(detector, {
          severity: isQuoted ? "low" : pattern.severity,
          message: isQuoted ? `${pattern.message} (quoted, in a text about attacks)` : pattern.message,
          location: field.location,
          evidence: { text: field.text.slice(start, end), start, end },
        }),
      );
    }
  }
  return findings;
}
