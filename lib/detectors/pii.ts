import { countrySpecs, isValidIBAN } from "ibantools";
import { findingOf, maskedEvidence, type TDetector, type TFinding, type TSeverity } from "./detector.types";

// Personal data in what a tool returns or a call sends: payment card numbers,
// IBANs, US Social Security numbers, UK National Insurance numbers, and bulk
// contact data (many email addresses or phone numbers in one field).
//
// Cost: three passes of one regex each (digit runs; two capitals and two digits,
// where IBANs and NI numbers start; `@`), then bounded checks where they hit.
// Every check that decides is arithmetic (Luhn, mod 97, the SSA's rules), so a
// random number rarely passes. Messages never contain a full number.

interface THit {
  kind: string;
  severity: TSeverity;
  start: number;
  end: number;
  note?: string;
  /** Many contacts in one span: see `TFinding.isBulkList`. */
  isBulkList?: true;
}

const MAX_RUNS = 5_000;
const MAX_FINDINGS = 25;
const EXAMPLE_NOTE = "(a well-known test or example number)";

const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isWordCode = (c: number) => isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Luhn (mod 10) over a string of digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** The card network by issuer identification number (IIN) prefix and length, or null. */
export function cardBrand(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  if (digits[0] === "4" && (n === 13 || n === 16 || n === 19)) return "Visa";
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return "Mastercard";
  if ((p2 === 34 || p2 === 37) && n === 15) return "American Express";
  if ((p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649)) && n >= 16 && n <= 19) return "Discover";
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return "JCB";
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38) && n >= 14 && n <= 19) return "Diners Club";
  return null;
}

/** Numbers the networks and payment providers publish for tests (Stripe, Braintree, Adyen docs). */
const TEST_CARDS = new Set([
  "4242424242424242",
  "4111111111111111",
  "4012888888881881",
  "4000056655665556",
  "4000000000000002",
  "4000000000000077",
  "4222222222222",
  "5555555555554444",
  "5105105105105100",
  "5200828282828210",
  "2223003122003222",
  "2221000000000009",
  "378282246310005",
  "371449635398431",
  "378734493671000",
  "6011111111111117",
  "6011000990139424",
  "6011601160116611",
  "3056930009020004",
  "30569309025904",
  "38520000023237",
  "36227206271667",
  "3566002020360505",
  "3530111333300000",
  "3566111111111113",
]);

function distinctDigits(digits: string): number {
  return new Set(digits).size;
}

/** A card number in a run of digit groups: the longest leading groups that make one (a table row may go on). */
function cardHit(run: string, runStart: number, groups: readonly { start: number; end: number }[], separator: string | null): THit | null {
  if (separator !== null && !/^[ -]$/.test(separator)) return null;
  let digits = "";
  const candidates: { digits: string; end: number }[] = [];
  for (const [i, g] of groups.entries()) {
    const len = g.end - g.start;
    // Printed cards group 4-4-4-4, 4-6-5 (Amex) or 4-6-4 (Diners); the first group is 4.
    if (separator !== null && ((i === 0 && len !== 4) || len < 3 || len > 6)) break;
    digits += run.slice(g.start, g.end);
    if (digits.length > 19) break;
    if (digits.length >= 13) candidates.push({ digits, end: g.end });
  }
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i] as { digits: string; end: number };
    const brand = cardBrand(c.digits);
    if (!brand || !luhnValid(c.digits)) continue;
    const kind = `${/^[AEIOU]/.test(brand) ? "an" : "a"} ${brand} card number ending ${c.digits.slice(-4)}`;
    const hit: THit = { kind, severity: "high", start: runStart, end: runStart + c.end };
    if (TEST_CARDS.has(c.digits) || distinctDigits(c.digits.slice(1, -1)) <= 2) return { ...hit, severity: "low", note: EXAMPLE_NOTE };
    return hit;
  }
  return null;
}

/** Published or invalid-but-famous SSNs: the Woolworth wallet card, LifeLock's advertised number, the textbook example. */
const EXAMPLE_SSNS = new Set(["078051120", "219099999", "123456789", "457555462"]);
const SSN_KEYWORD = /\b(?:ssn|ss#|social security(?: number| no\.?)?|soc\.? sec\.?)\b/i;

/** The SSA's rules: area not 000, 666 or 900–999; group not 00; serial not 0000. */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = Number(digits.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
}

function ssnHit(text: string, run: string, runStart: number, groups: readonly { start: number; end: number }[], separator: string | null): THit | null {
  const lengths = groups.map((g) => g.end - g.start).join(",");
  const digits = groups.map((g) => run.slice(g.start, g.end)).join("");
  const isDashed = separator === "-" && lengths === "3,2,4";
  const isOther = (separator === " " && lengths === "3,2,4") || (separator === null && digits.length === 9);
  if (!isDashed && !isOther) return null;
  if (!ssnValid(digits)) return null;
  const hasKeyword = SSN_KEYWORD.test(text.slice(Math.max(0, runStart - 40), runStart));
  if (!isDashed && !hasKeyword) return null;
  const hit: THit = { kind: `a US Social Security number ending ${digits.slice(-4)}`, severity: "high", start: runStart, end: runStart + run.length };
  if (EXAMPLE_SSNS.has(digits)) return { ...hit, severity: "low", note: EXAMPLE_NOTE };
  return hit;
}

/**
 * A phone number's shape, as its digits, or null: `+` international (8–15 digits),
 * North American 3-3-4 with separators or parentheses, or a national number
 * starting with 0 written in groups.
 */
function phoneDigits(text: string, runStart: number, run: string, groups: readonly { start: number; end: number }[]): string | null {
  const digits = groups.map((g) => run.slice(g.start, g.end)).join("");
  const before = text[runStart - 1];
  if (before === "+") return digits.length >= 8 && digits.length <= 15 && groups.length >= 2 ? `+${digits}` : null;
  const lengths = groups.map((g) => g.end - g.start).join(",");
  const nanp = lengths === "3,3,4" ? digits : lengths === "1,3,3,4" && digits[0] === "1" ? digits.slice(1) : null;
  if (nanp && /^[2-9]\d{2}[2-9]/.test(nanp)) return `+1${nanp}`;
  if (digits[0] === "0" && digits.length >= 10 && digits.length <= 11 && groups.length >= 2 && groups.every((g) => g.end - g.start >= 2)) return digits;
  return null;
}

/** Runs of 7–31 digits with short separators between them: card numbers, SSNs, phone numbers. */
const DIGIT_RUN = /\d(?:[ .()-]{0,2}\d){6,30}/g;

/** Two capitals then two digits: where an IBAN (`DE89…`) or a National Insurance number (`AB 12…`) can start. */
const CAPITALS = /[A-Z]{2} ?\d{2}/g;
const IBAN = /([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)/y;
/** HMRC's NIM39110: prefix letters exclude D, F, I, Q, U, V (and O second); suffix A–D. */
const NINO = /([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2}) ?([A-D])(?![A-Za-z0-9])/y;
const NINO_EXCLUDED_PREFIXES = new Set(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]);
const NINO_KEYWORD = /national insurance|\bni(?:no| number| no\.?)\b/i;
/** The IBAN registry's and banks' documentation examples. */
const EXAMPLE_IBANS = new Set([
  "GB82WEST12345698765432",
  "GB29NWBK60161331926819",
  "GB33BUKB20201555555555",
  "DE89370400440532013000",
  "DE44500105175407324931",
  "FR1420041010050500013M02606",
  "FR7630006000011234567890189",
  "NL91ABNA0417164300",
  "ES9121000418450200051332",
  "IT60X0542811101000000123456",
  "CH9300762011623852957",
  "BE68539007547034",
  "AT611904300234573201",
]);

function ibanHit(text: string, at: number): THit | null {
  IBAN.lastIndex = at;
  const m = IBAN.exec(text);
  if (!m) return null;
  const country = (m[1] as string).slice(0, 2);
  const length = countrySpecs[country]?.chars;
  if (!length) return null;
  // The first `length` characters of the match, ignoring spaces; the IBAN must end at a boundary there.
  const matched = m[1] as string;
  let taken = 0;
  let end = 0;
  while (end < matched.length && taken < length) {
    if (matched[end] !== " ") taken++;
    end++;
  }
  end += at;
  if (taken < length || (end < text.length && isWordCode(text.charCodeAt(end)))) return null;
  const iban = text.slice(at, end).replace(/ /g, "");
  if (!isValidIBAN(iban)) return null;
  const hit: THit = { kind: `an IBAN (${country}, ending ${iban.slice(-4)})`, severity: "high", start: at, end };
  if (EXAMPLE_IBANS.has(iban)) return { ...hit, severity: "low", note: EXAMPLE_NOTE };
  return hit;
}

function ninoHit(text: string, at: number): THit | null {
  NINO.lastIndex = at;
  const m = NINO.exec(text);
  if (!m || NINO_EXCLUDED_PREFIXES.has(m[1] as string)) return null;
  const end = at + m[0].length;
  const digits = `${m[2]}${m[3]}${m[4]}`;
  const hit: THit = { kind: `a UK National Insurance number ending ${digits.slice(-2)}${m[5]}`, severity: "high", start: at, end };
  if (digits === "123456" || distinctDigits(digits) <= 1) return { ...hit, severity: "low", note: EXAMPLE_NOTE };
  if (!NINO_KEYWORD.test(text.slice(Math.max(0, at - 60), at)))
    return { ...hit, severity: "medium", note: "(the format alone, no mention of National Insurance nearby)" };
  return hit;
}

const isLocalCode = (c: number) => isWordCode(c) || c === 46 || c === 37 || c === 43 || c === 45;
const isDomainCode = (c: number) => isWordCode(c) || c === 46 || c === 45;

/** Email addresses, found from each `@` outwards (no regex backtracking over the local part). */
function emailSpans(text: string): { value: string; start: number; end: number }[] {
  const found: { value: string; start: number; end: number }[] = [];
  let scanned = 0;
  for (let at = text.indexOf("@"); at !== -1 && scanned < MAX_RUNS; at = text.indexOf("@", at + 1)) {
    scanned++;
    let s = at;
    while (s > 0 && at - s < 64 && isLocalCode(text.charCodeAt(s - 1))) s--;
    let e = at + 1;
    while (e < text.length && e - at < 254 && isDomainCode(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text[e - 1] === "." || text[e - 1] === "-")) e--;
    if (s === at || e === at + 1) continue;
    const domain = text.slice(at + 1, e);
    if (!/^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}$/.test(domain)) continue;
    found.push({ value: text.slice(s, e).toLowerCase(), start: s, end: e });
  }
  return found;
}

/** Ten or more distinct addresses or numbers in one field is a contact list, not a mention. */
const BULK_CONTACTS = 10;

function bulkHit(kind: string, items: readonly { value: string; start: number; end: number }[]): THit | null {
  const distinct = new Set(items.map((i) => i.value)).size;
  if (distinct < BULK_CONTACTS) return null;
  const first = items[0] as { start: number };
  const last = items[items.length - 1] as { end: number };
  return { kind: `${distinct} distinct ${kind} (bulk contact data)`, severity: "medium", start: first.start, end: last.end, isBulkList: true };
}

/** Personal data in one text; bounded in runs examined and findings kept. */
export function findPii(text: string): THit[] {
  const hits: THit[] = [];
  const phones: { value: string; start: number; end: number }[] = [];
  let runs = 0;
  DIGIT_RUN.lastIndex = 0;
  for (let m = DIGIT_RUN.exec(text); m && runs < MAX_RUNS && hits.length < MAX_FINDINGS; m = DIGIT_RUN.exec(text)) {
    runs++;
    const run = m[0];
    const start = m.index;
    // A run inside a word, a decimal or a longer number is not a number of its own.
    const before = text.charCodeAt(start - 1);
    const after = text.charCodeAt(start + run.length);
    if (isWordCode(before) || (before === 46 && isDigitCode(text.charCodeAt(start - 2)))) continue;
    if (isWordCode(after) || ((after === 46 || after === 44) && isDigitCode(text.charCodeAt(start + run.length + 1)))) continue;
    // Digit groups and the separators between them: "4242 4242 4242 4242" is four groups and " ".
    // Seven digits make no card, SSN or phone number; eight only an international number.
    let digitCount = 0;
    for (let i = 0; i < run.length; i++) if (isDigitCode(run.charCodeAt(i))) digitCount++;
    if (digitCount < 8 || (digitCount === 8 && before !== 43)) continue;
    const groups: { start: number; end: number }[] = [];
    const separators = new Set<string>();
    for (let i = 0; i < run.length; ) {
      let j = i;
      while (j < run.length && isDigitCode(run.charCodeAt(j))) j++;
      groups.push({ start: i, end: j });
      let k = j;
      while (k < run.length && !isDigitCode(run.charCodeAt(k))) k++;
      if (k > j) separators.add(run.slice(j, k));
      i = k;
    }
    const separator = separators.size === 0 ? null : separators.size === 1 ? ([...separators][0] as string) : "mixed";
    const hit = ssnHit(text, run, start, groups, separator) ?? cardHit(run, start, groups, separator);
    if (hit) {
      hits.push(hit);
      continue;
    }
    const phone = phoneDigits(text, start, run, groups);
    if (phone) phones.push({ value: phone, start: text[start - 1] === "+" || text[start - 1] === "(" ? start - 1 : start, end: start + run.length });
  }
  runs = 0;
  CAPITALS.lastIndex = 0;
  for (let m = CAPITALS.exec(text); m && runs < MAX_RUNS && hits.length < MAX_FINDINGS; m = CAPITALS.exec(text)) {
    runs++;
    const at = m.index;
    if (at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
    const hit = ibanHit(text, at) ?? ninoHit(text, at);
    if (hit) {
      hits.push(hit);
      CAPITALS.lastIndex = hit.end;
    }
  }
  const emails = bulkHit("email addresses", emailSpans(text));
  if (emails) hits.push(emails);
  const numbers = bulkHit("phone numbers", phones);
  if (numbers) hits.push(numbers);
  return hits;
}

/**
 * PII: a payment card number (Luhn and a known network's prefix), an IBAN (its
 * country's length and mod-97 checksum), a US SSN (the SSA's rules; dashed, or
 * next to "SSN") or a UK National Insurance number is high; ten or more email
 * addresses or phone numbers in one field is medium. Published test numbers are
 * low. Messages show at most the last four characters.
 */
export const pii: TDetector = {
  id: "pii",
  version: 1,
  scan(fields) {
    const findings: TFinding[] = [];
    for (const { location, text } of fields) {
      for (const hit of findPii(text)) {
        findings.push(
          findingOf(pii, {
            severity: hit.severity,
            message: hit.note ? `${hit.kind} ${hit.note}` : hit.kind,
            location,
            evidence: { text: maskedEvidence(text.slice(hit.start, Math.min(hit.end, hit.start + 500))), start: hit.start, end: hit.end },
            ...(hit.isBulkList ? { isBulkList: true } : {}),
          }),
        );
      }
    }
    return findings;
  },
};
