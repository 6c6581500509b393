import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { maskedEvidence, type TFinding } from "./detector.types";
import { cardBrand, findPii, luhnValid, pii, ssnValid } from "./pii";
import { scanArguments, scanResult } from "./scan-content";

// Every number below is made up at run time with the right checksum (Luhn, mod 97);
// none is a real card or account.
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(4242);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join("");

/** A number with the given prefix and length whose last digit makes the Luhn sum right. */
function card(prefix: string, length: number): string {
  for (;;) {
    const body = prefix + digits(length - prefix.length - 1);
    for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  }
}
const grouped = (n: string, sizes: number[], sep = " ") => {
  const out: string[] = [];
  let i = 0;
  for (const size of sizes) {
    out.push(n.slice(i, i + size));
    i += size;
  }
  return out.join(sep);
};

/** ISO 13616: check digits 98 − (BBAN + country + "00", letters as 10–35) mod 97. */
function iban(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`].map((c) => (/[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c)).join("");
  let mod = 0;
  for (const c of numeric) mod = (mod * 10 + Number(c)) % 97;
  return `${country}${String(98 - mod).padStart(2, "0")}${bban}`;
}
const spaced = (s: string) => s.replace(/(.{4})(?=.)/g, "$1 ");

const scan = (text: string, location = "content.0.text") => pii.scan([{ location, text }], {});
const worst = (findings: readonly TFinding[]) =>
  findings.some((f) => f.severity === "high") ? "high" : findings.some((f) => f.severity === "medium") ? "medium" : findings.length ? "low" : null;

describe("pii: numbers that identify a person or an account", () => {
  const visa = card("4539", 16);
  const mastercard = card("5412", 16);
  const mastercard2 = card("2720", 16);
  const amex = card("3714", 15);
  const discover = card("6011", 16);
  const jcb = card("3530", 16);
  const diners = card("3056", 14);
  const deIban = iban("DE", digits(18));
  const gbIban = iban("GB", `NWBK${digits(14)}`);
  it.each([
    ["a Visa number", `Card: ${visa}, exp 09/29`, visa, "a Visa card number ending"],
    ["a Visa number in groups", `card ${grouped(visa, [4, 4, 4, 4])} cvc 123`, grouped(visa, [4, 4, 4, 4]), "a Visa card number ending"],
    ["a Visa number with dashes", `${grouped(visa, [4, 4, 4, 4], "-")}`, grouped(visa, [4, 4, 4, 4], "-"), "a Visa card number ending"],
    ["a Mastercard number", `pan=${mastercard}`, mastercard, "a Mastercard card number ending"],
    ["a Mastercard 2-series number", `${mastercard2}`, mastercard2, "a Mastercard card number ending"],
    ["an Amex number, 4-6-5", `Amex ${grouped(amex, [4, 6, 5])}`, grouped(amex, [4, 6, 5]), "an American Express card number ending"],
    ["a Discover number", `"card_number": "${discover}"`, discover, "a Discover card number ending"],
    ["a JCB number", `${jcb}`, jcb, "a JCB card number ending"],
    ["a Diners number", `${grouped(diners, [4, 6, 4])}`, grouped(diners, [4, 6, 4]), "a Diners Club card number ending"],
    ["a card at the start of a table row", `${grouped(visa, [4, 4, 4, 4])} 12 2029 Jane Roe`, grouped(visa, [4, 4, 4, 4]), "a Visa card number ending"],
    ["a German IBAN", `IBAN: ${spaced(deIban)}`, spaced(deIban), "an IBAN (DE, ending"],
    ["a British IBAN, no spaces", `pay to ${gbIban}.`, gbIban, "an IBAN (GB, ending"],
    ["a dashed SSN", "Employee SSN on file: 536-90-4399", "536-90-4399", "a US Social Security number ending 4399"],
    ["an SSN without separators next to the keyword", "ssn: 536904399", "536904399", "a US Social Security number ending 4399"],
    ["an SSN with spaces next to the keyword", "Social Security Number 536 90 4399", "536 90 4399", "a US Social Security number ending 4399"],
    ["a National Insurance number", "National Insurance number: JG 10 37 52 B", "JG 10 37 52 B", "a UK National Insurance number ending 52B"],
  ])("flags %s at high", (_label, text, number, kind) => {
    const findings = scan(text);
    expect(findings).toHaveLength(1);
    const [finding] = findings as [TFinding];
    expect(finding.severity).toBe("high");
    expect(finding.message).toContain(kind);
    expect(finding.evidence).toEqual({ text: maskedEvidence(number), start: text.indexOf(number), end: text.indexOf(number) + number.length });
  });

  it("never puts more than the last four digits in a message", () => {
    for (const n of [visa, mastercard, amex, discover, jcb, diners]) {
      const [finding] = scan(`card ${n}`);
      expect(finding!.message).toContain(n.slice(-4));
      expect(finding!.message).not.toContain(n.slice(0, 6));
      expect(finding!.message).not.toMatch(/\d{5}/);
    }
    for (const text of [`IBAN ${deIban}`, "SSN 536-90-4399", "NINO: JG103752B"]) expect(scan(text)[0]!.message).not.toMatch(/\d{5}|\d{3}-\d{2}/);
  });

  it("a National Insurance number by its format alone is medium", () => {
    expect(worst(scan("ref JG103752B"))).toBe("medium");
  });

  it("flags bulk contact data: ten or more distinct addresses or numbers in one field", () => {
    const emails = Array.from({ length: 12 }, (_, i) => `person${i}.${digits(3)}@corp-mail.io`).join(", ");
    const findings = scan(emails);
    expect(findings).toEqual([expect.objectContaining({ severity: "medium", message: "12 distinct email addresses (bulk contact data)" })]);
    expect(findings[0]!.message).not.toContain("@");
    const phones = Array.from({ length: 11 }, (_, i) => `Name ${i}: (415) 5${digits(2)}-${digits(4)}`).join("\n");
    expect(worst(scan(phones))).toBe("medium");
    const intl = Array.from({ length: 10 }, () => `+44 20 ${digits(4)} ${digits(4)}`).join("; ");
    expect(scan(intl)).toEqual([expect.objectContaining({ message: "10 distinct phone numbers (bulk contact data)" })]);
    const csv = ["name,email,phone", ...Array.from({ length: 15 }, (_, i) => `User ${i},u${i}@shop.example,+1 212-5${digits(2)}-${digits(4)}`)].join("\n");
    expect(scan(csv).map((f) => f.message)).toEqual(["15 distinct email addresses (bulk contact data)", "15 distinct phone numbers (bulk contact data)"]);
  });

  it("reads numbers in arguments and structured results", () => {
    expect(scanArguments({ payment: { number: visa, cvc: "123" } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: "pii", severity: "high", location: "arguments.payment.number" })]),
    );
    // A card number sent as a JSON number arrives as its digits.
    expect(scanArguments({ pan: Number(visa) })).toEqual(expect.arrayContaining([expect.objectContaining({ detector: "pii", severity: "high" })]));
    expect(scanResult({ content: [], structuredContent: { customer: { iban: deIban } } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ detector: "pii", location: "structuredContent.customer.iban" })]),
    );
  });
});

describe("pii: published test numbers are low", () => {
  it.each([
    ["Stripe's test Visa", "4242 4242 4242 4242"],
    ["the classic test Visa", "4111111111111111"],
    ["Stripe's test Mastercard", "5555-5555-5555-4444"],
    ["Amex's test number", "378282246310005"],
    ["the IBAN registry's example", "GB82 WEST 1234 5698 7654 32"],
    ["the textbook SSN", "SSN: 123-45-6789"],
    ["the Woolworth wallet SSN", "078-05-1120"],
    ["HMRC-style example NINO", "NI number AB123456C"],
  ])("%s", (_label, text) => {
    expect(worst(scan(text))).toBe("low");
  });
});

describe("pii: benign twins stay below medium", () => {
  const visa = card("4539", 16);
  it.each([
    ["a number that fails Luhn", `${visa.slice(0, 15)}${(Number(visa[15]) + 1) % 10}`],
    ["a Luhn-valid number with no known prefix", card("9", 16)],
    ["millisecond timestamps", "created 1700000000000, updated 1712345678901"],
    ["a long order id", "Order #20241128193517 shipped"],
    ["an ISBN", "ISBN 978-3-16-148410-0 and 9783161484100"],
    ["a decimal with many places", "pi ≈ 3.4242424242424242 and 0.4111111111111111"],
    ["digits inside a hash", `sha: a${visa}f and id_${visa}`],
    ["a longer digit string", `${visa}${digits(5)}`],
    ["dates and times", "2024-11-28 19:17:17, 2024-11-29 08:00:00, 28/11/2024"],
    ["an SSN-shaped number without separators or keyword", "Invoice 536904399 paid"],
    ["an SSN-shaped number with spaces and no keyword", "totals 536 90 4399"],
    ["invalid SSN areas", "SSN 000-12-3456, 666-12-3456, 901-12-3456, 123-00-4567, 123-45-0000"],
    ["phone-like numbers without a keyword", "Call (415) 555-0132 or +1 212 555 0199 for support."],
    ["one or two email addresses", "Write to support@acme.io or sales@acme.io."],
    ["nine addresses", Array.from({ length: 9 }, (_, i) => `a${i}@x.io`).join(" ")],
    ["the same address many times", Array.from({ length: 30 }, () => "noreply@github.com").join("\n")],
    ["an IBAN with a wrong checksum", "DE00 3704 0044 0532 0130 00"],
    ["capitals and digits that are not an IBAN", "Model XR25 1234 5678 and AB12 CDEF GHIJ"],
    ["a version table", "v1.2.3 2.10.4 10.0.19045.3803 5.15.0-91-generic"],
    ["IP addresses", "10.0.0.1, 192.168.100.200, 2001:db8::1"],
    ["a UUID and a git SHA", "550e8400-e29b-41d4-a716-446655440000 3f9a2c1b7e4d5f6a8b9c0d1e2f3a4b5c6d7e8f90"],
    ["currency amounts", "Total: 4,539,120.00 USD; 1 234 567,89 EUR"],
    ["a NINO-shaped code with excluded prefixes", "GB123456A and BG 12 34 56 C and DA123456A"],
  ])("%s", (_label, text) => {
    expect(scan(text).filter((f) => f.severity !== "low")).toEqual([]);
  });
});

describe("pii: checks", () => {
  it("Luhn, networks and the SSA's rules", () => {
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("4242424242424241")).toBe(false);
    expect(cardBrand("4242424242424242")).toBe("Visa");
    expect(cardBrand("2221000000000009")).toBe("Mastercard");
    expect(cardBrand("2721000000000000")).toBeNull();
    expect(cardBrand("6445000000000000")).toBe("Discover");
    expect(cardBrand("3528000000000000")).toBe("JCB");
    expect(cardBrand("30500000000000")).toBe("Diners Club");
    expect(cardBrand("3060000000000000")).toBeNull();
    expect(ssnValid("536904399")).toBe(true);
    for (const bad of ["000123456", "666123456", "900123456", "123004567", "123450000"]) expect(ssnValid(bad)).toBe(false);
  });
});

describe("pii: hostile input", () => {
  it("never throws and returns quickly on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 2000 }), (text) => {
        const started = performance.now();
        scan(text);
        return performance.now() - started < 200;
      }),
      { numRuns: 300 },
    );
  });

  it("gives spans that match the text, on text built from digits, separators and capitals", () => {
    const piece = fc.oneof(
      fc.stringMatching(/^[0-9 .()+-]{1,40}$/),
      fc.stringMatching(/^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{0,30}$/),
      fc.constantFrom("@", "a@b.co ", "SSN ", "National Insurance ", "\n", ", "),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const text = pieces.join("");
        for (const f of scan(text)) {
          expect(maskedEvidence(text.slice(f.evidence.start, Math.min(f.evidence.end, f.evidence.start + 500)))).toBe(f.evidence.text);
          expect(f.evidence.end).toBeLessThanOrEqual(text.length);
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it("stays linear on inputs built to make each check backtrack or rescan", () => {
    const n = 64_000;
    const hostile = [
      "4".repeat(n),
      "4 ".repeat(n / 2),
      "4-".repeat(n / 2),
      "4111 ".repeat(n / 5),
      "1(".repeat(n / 2),
      "1 .".repeat(n / 3),
      "123-45-".repeat(n / 7),
      "A".repeat(n),
      "AB12".repeat(n / 4),
      `DE89${" 3704".repeat(n / 5)}`,
      "DE89 ".repeat(n / 5),
      "AB 12 34 56 ".repeat(n / 12),
      "@".repeat(n),
      "a@".repeat(n / 2),
      `${"a".repeat(n / 2)}@${"b".repeat(n / 2)}`,
      `${"a.".repeat(n / 4)}@${"b.".repeat(n / 4)}`,
      "x@y.io ".repeat(n / 7),
      "+1 ".repeat(n / 3),
      "(415) 555-0132 ".repeat(n / 15),
    ];
    for (const text of hostile) {
      const started = performance.now();
      expect(() => findPii(text)).not.toThrow();
      expect(performance.now() - started, text.slice(0, 40)).toBeLessThan(2_000);
    }
  });
});
