// Judging a candidate secret's value: entropy, documented examples, placeholders.
// Pure and bounded; shared by the secrets and PII detectors.

/** Shannon entropy in bits per character (UTF-16 code units). */
export function shannonEntropy(value: string): number {
  if (!value.length) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Marks of a value written for documentation: vendors' documented examples
 * (AWS's `AKIAIOSFODNN7EXAMPLE`), placeholders (`your-api-key`, `<token>`, `xxxxx`,
 * `***`, `...`), counting sequences. Long enough not to occur by chance in a
 * random token's alphabet.
 */
const EXAMPLE_MARKS =
  /example|sample|dummy|placeholder|redacted|changeme|replace[_-]?me|insert[_-]?your|your[_-]?(?:own|api|secret|access|token|key|pass|app|client|private)|xxxxx|\*\*\*|\.\.\.|…|<[^<>]{1,64}>|123456789|abcdefghij|0{8}/i;

/** A documented example, a placeholder, or too uniform to be random (all one character, a few characters repeated). */
export function isExampleValue(value: string): boolean {
  if (EXAMPLE_MARKS.test(value)) return true;
  let distinct = 0;
  const seen = new Set<number>();
  for (let i = 0; i < value.length && distinct <= 4; i++) {
    const c = value.charCodeAt(i);
    if (!seen.has(c)) {
      seen.add(c);
      distinct++;
    }
  }
  if (distinct <= 3) return true;
  return value.length >= 12 && shannonEntropy(value) < 2.0;
}

const PLACEHOLDER_WORDS = new Set([
  "null",
  "none",
  "nil",
  "undefined",
  "true",
  "false",
  "string",
  "str",
  "text",
  "required",
  "optional",
  "yes",
  "no",
  "hidden",
  "masked",
  "secret",
  "password",
  "passwd",
  "token",
  "apikey",
  "api_key",
  "api-key",
  "key",
  "value",
  "empty",
  "todo",
  "tbd",
  "n/a",
]);

/**
 * A value that stands for a secret rather than being one: a variable or template
 * reference (`${TOKEN}`, `{{ secrets.KEY }}`, `process.env.KEY`, `$PASSWORD`,
 * `%s`), a type or keyword (`string`, `null`), a mask (`********`), or an example.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (!v) return true;
  if (/^[$%<[(@#]|^\{\{/.test(v)) return true;
  if (/\$\{|\{\{|process\.env|os\.environ|getenv|\benv\(|ENV\[|secrets\./i.test(v)) return true;
  if (PLACEHOLDER_WORDS.has(v.toLowerCase())) return true;
  if (/^[*xX.•#_-]+$/.test(v)) return true;
  // Written to show where a password goes: "somepassword", "mysecretpassword", "password123".
  if (/^(?:some|my|your|the|a|new|old|super|top|db|admin|user)?[-_]?(?:secret)?[-_]?(?:pass(?:word)?|passwd|pwd|secret)[-_]?\d{0,4}$/i.test(v)) return true;
  return isExampleValue(v);
}

/** Base64 (or base64url) decoded to text, or null when it is not mostly printable text. */
export function decodeBase64(value: string, url: boolean): string | null {
  if (!value || value.length > 32_768) return null;
  let decoded: string;
  try {
    decoded = Buffer.from(value, url ? "base64url" : "base64").toString("utf8");
  } catch {
    return null;
  }
  if (!decoded.length) return null;
  let printable = 0;
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c >= 32 && c < 127) || c === 9 || c === 10 || c === 13 || c > 159) printable++;
  }
  return printable / decoded.length >= 0.9 ? decoded : null;
}
