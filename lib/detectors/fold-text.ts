/**
 * Text as a pattern should read it: fullwidth letters and mathematical alphanumerics to
 * ASCII (NFKC), Cyrillic and Greek look-alikes inside Latin words to Latin, curly quotes
 * to straight ones, and the invisible characters that split a word past a filter
 * ("ig\u200Bnore") removed. `toOriginal` maps an offset in the folded text back to the
 * text as given, so evidence points at what the user sees. Text with none of these
 * characters (almost all text, ASCII or not) is returned as is, after one search.
 */
export interface TFolded {
  text: string;
  toOriginal(offset: number): number;
}

const LOOKALIKE = "\u0400-\u04FF\u0370-\u03FF\u0131\u0237\u0261";
/**
 * Characters folding changes: invisible ones, compatibility forms (fullwidth; mathematical
 * letters, which are surrogate pairs), curly quotes, and runs of look-alikes touching a
 * Latin letter ("іgnоrе" mixes scripts; Russian prose does not). Starts with character
 * classes and has no unbounded lookbehind, so the search stays cheap.
 */
const SPECIAL = new RegExp(
  `[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF\u00A0\u2018\u2019\u201C\u201D\u2028\u2029\uFF01-\uFF5E]|\uD835[\uDC00-\uDFFF]|[A-Za-z][${LOOKALIKE}]+|[${LOOKALIKE}]+(?=[A-Za-z])`,
  "g",
);
/** One cheap character-class search: most texts have none of these and skip the rest. */
const CANDIDATE = new RegExp(
  `[\\u00AD\\u180E\\u200B-\\u200F\\u2060-\\u2064\\uFEFF\\u00A0\\u2018\\u2019\\u201C\\u201D\\u2028\\u2029\\uFF01-\\uFF5E\\uD835${LOOKALIKE}]`,
);
const INVISIBLE = /^[\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF]$/;
/** The look-alikes attackers use most, after the Unicode confusables list. */
const CONFUSABLES: Record<string, string> = {
  а: "a",
  е: "e",
  о: "o",
  р: "p",
  с: "c",
  х: "x",
  у: "y",
  і: "i",
  ј: "j",
  ѕ: "s",
  һ: "h",
  ԁ: "d",
  ԛ: "q",
  ԝ: "w",
  ɡ: "g",
  ı: "i",
  ȷ: "j",
  А: "A",
  В: "B",
  Е: "E",
  К: "K",
  М: "M",
  Н: "H",
  О: "O",
  Р: "P",
  С: "C",
  Т: "T",
  Х: "X",
  І: "I",
  Ј: "J",
  Ѕ: "S",
  α: "a",
  ο: "o",
  ρ: "p",
  ν: "v",
  ι: "i",
  κ: "k",
  τ: "t",
  υ: "u",
  χ: "x",
  Α: "A",
  Β: "B",
  Ε: "E",
  Η: "H",
  Ι: "I",
  Κ: "K",
  Μ: "M",
  Ν: "N",
  Ο: "O",
  Ρ: "P",
  Τ: "T",
  Χ: "X",
  Υ: "Y",
  Ζ: "Z",
  "\u2018": "'",
  "\u2019": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u00A0": " ",
  "\u2028": "\n",
  "\u2029": "\n",
};

function replacementOf(run: string): string {
  let out = "";
  for (const char of run) out += INVISIBLE.test(char) ? "" : (CONFUSABLES[char] ?? (char > "\x7f" ? char.normalize("NFKC") : char));
  return out;
}

/** The last texts folded: every detector folds the same fields in turn. */
const recent: Array<[string, TFolded]> = [];
const RECENT = 8;

export function foldText(text: string): TFolded {
  for (const [seen, folded] of recent) if (seen === text) return folded;
  const folded = foldUncached(text);
  recent.unshift([text, folded]);
  if (recent.length > RECENT) recent.pop();
  return folded;
}

function foldUncached(text: string): TFolded {
  if (!CANDIDATE.test(text)) return { text, toOriginal: (offset) => offset };
  SPECIAL.lastIndex = 0;
  if (!SPECIAL.test(text)) return { text, toOriginal: (offset) => offset };
  SPECIAL.lastIndex = 0;
  // Each change shifts later offsets: record (folded offset, original offset) after it.
  const shifts: Array<[number, number]> = [];
  let out = "";
  let last = 0;
  for (const match of text.matchAll(SPECIAL)) {
    const replacement = replacementOf(match[0]);
    out += text.slice(last, match.index) + replacement;
    last = match.index + match[0].length;
    if (replacement.length !== match[0].length) shifts.push([out.length, last]);
  }
  out += text.slice(last);
  return {
    text: out,
    toOriginal(offset) {
      // The last shift at or before the offset gives the original position.
      let lo = 0;
      let hi = shifts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (shifts[mid]![0] <= offset) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found < 0) return offset;
      const [folded, original] = shifts[found]!;
      return original + (offset - folded);
    },
  };
}
