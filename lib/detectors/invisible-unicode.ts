import { findingOf, type TDetector, type TFinding } from "./detector.types";

const TAG = /[\u{E0000}-\u{E007F}]+/u;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E]/;

/** Unicode tag characters spell ASCII invisibly: decoded, they are what the model reads and the admin does not. */
function decodeTags(run: string): string {
  return [...run].map((c) => String.fromCodePoint((c.codePointAt(0) ?? 0xe0000) - 0xe0000)).join("");
}

/**
 * Text the admin cannot see but the model reads: tag characters (hidden ASCII),
 * bidirectional controls (text displayed in another order than it is read),
 * zero-width characters (split words past filters; in a name, a look-alike).
 */
export const invisibleUnicode: TDetector = {
  id: "invisible-unicode",
  version: 1,
  scan(fields) {
    const findings: TFinding[] = [];
    const add = (location: string, severity: TFinding["severity"], message: string, text: string, start: number, length: number) =>
      findings.push(findingOf(invisibleUnicode, { severity, message, location, evidence: { text, start, end: start + length } }));
    for (const { location, text } of fields) {
      const tags = TAG.exec(text);
      if (tags) add(location, "high", `hidden text in Unicode tag characters: "${decodeTags(tags[0]).slice(0, 200)}"`, tags[0], tags.index, tags[0].length);
      const bidi = BIDI.exec(text);
      if (bidi) add(location, "high", "a bidirectional control character (text shown in another order than the model reads it)", bidi[0], bidi.index, 1);
      const zero = ZERO_WIDTH.exec(text);
      // U+FEFF at the very start is a byte-order mark left by an editor, not an attack.
      if (zero && !(zero[0] === "\uFEFF" && zero.index === 0)) {
        const isName = location === "name" || location.endsWith("#name");
        add(
          location,
          isName ? "high" : "medium",
          isName ? "a zero-width character in a name (a look-alike of another)" : "a zero-width character",
          zero[0],
          zero.index,
          1,
        );
      }
    }
    return findings;
  },
};
