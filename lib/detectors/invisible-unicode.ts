import { findingOf, type TDetector, type TFinding } from "./detector.types";

const TAG = /[\u{E0000}-\u{E007F}]+/gu;
/** A subdivision flag (🏴 + tag letters + cancel tag) is the one honest use of tag characters. */
const FLAG_TAGS = /^[\u{E0061}-\u{E007A}\u{E0030}-\u{E0039}]{2,7}\u{E007F}$/u;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;
/** Right-to-left letters: text that has them needs bidi controls to show mixed runs correctly. */
const RTL_LETTERS = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF\u180E]/g;
/** Joiners between emoji or inside Indic, Arabic and Persian words shape the text; between Latin letters they only hide a word. */
const isLatinLetter = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

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
      for (const tags of text.matchAll(TAG)) {
        const isFlag = FLAG_TAGS.test(tags[0]) && text.codePointAt(tags.index - 2) === 0x1f3f4;
        if (isFlag) continue;
        add(location, "high", `hidden text in Unicode tag characters: "${decodeTags(tags[0]).slice(0, 200)}"`, tags[0], tags.index, tags[0].length);
        break;
      }
      const bidi = BIDI.exec(text);
      if (bidi && !RTL_LETTERS.test(text))
        add(location, "high", "a bidirectional control character (text shown in another order than the model reads it)", bidi[0], bidi.index, 1);
      const isName = location === "name" || location.endsWith("#name");
      const zero = [...text.matchAll(ZERO_WIDTH)].find(
        (z) =>
          // U+FEFF at the very start is a byte-order mark left by an editor, not an attack.
          !(z[0] === "\uFEFF" && z.index === 0) && (isName || (isLatinLetter(text[z.index - 1]) && isLatinLetter(text[z.index + 1]))),
      );
      if (zero) {
        add(
          location,
          // Inside a word it hides the word from filters; the detectors read it joined up, so alone it is low.
          isName ? "high" : "low",
          isName ? "a zero-width character in a name (a look-alike of another)" : "a zero-width character inside a word",
          zero[0],
          zero.index,
          1,
        );
      }
    }
    return findings;
  },
};
