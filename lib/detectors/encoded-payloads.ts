import { findingOf, type TDetector, type TFinding } from "./detector.types";

const MIN_RUN = 40;
const MAX_RUN = 4096;
const INSTRUCTION_WORDS_ALL =
  /\b(?:ignore|instructions?|assistant|prompt|send|tool|user|must|secret|password|token|ssh|execute|curl|exfiltrate|forward|reveal)\b/gi;
const DECODE_ORDER = /\b(?:decode|base64|b64|atob|decrypt|deobfuscate)\b/i;
const MAX_RUNS = 20;

/** Base64 characters, by char code: one table lookup per character is cheaper than any regex over prose. */
const IS_BASE64 = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") IS_BASE64[c.charCodeAt(0)] = 1;

const isBase64At = (text: string, i: number) => {
  const code = text.charCodeAt(i);
  return code < 128 && IS_BASE64[code] === 1;
};

/**
 * Runs of 40 to 4096 base64 characters (with their padding). Any run of 40 covers a
 * multiple of 40, so only those positions are looked at, and a run is grown from there:
 * prose costs about one check per 40 characters.
 */
function* base64Runs(text: string): Generator<{ start: number; run: string }> {
  let after = 0;
  for (let probe = MIN_RUN - 1; probe < text.length; probe += MIN_RUN) {
    if (probe < after || !isBase64At(text, probe)) continue;
    let start = probe;
    while (start > after && isBase64At(text, start - 1)) start--;
    let end = probe + 1;
    while (end < text.length && isBase64At(text, end)) end++;
    after = end;
    const length = end - start;
    if (length < MIN_RUN || length > MAX_RUN) continue;
    let padded = end;
    while (padded < text.length && padded - end < 2 && text[padded] === "=") padded++;
    yield { start, run: text.slice(start, padded) };
  }
}

/** Decodes base64 to text when it is mostly printable; null for binary data (images, keys, hashes). */
function printableDecode(run: string): string | null {
  let decoded: string;
  try {
    decoded = Buffer.from(run, "base64").toString("utf8");
  } catch {
    return null;
  }
  if (!decoded.length) return null;
  let printable = 0;
  for (const c of decoded) if (c >= " " && c <= "~") printable++;
  return printable / decoded.length >= 0.9 ? decoded : null;
}

/**
 * Encoded payloads: base64 that decodes to instruction-like text is high; an
 * order to decode next to any readable payload is high. Base64 that decodes
 * to binary (an example image, a hash) is not flagged.
 */
export const encodedPayloads: TDetector = {
  id: "encoded-payloads",
  version: 1,
  scan(fields) {
    const findings: TFinding[] = [];
    for (const { location, text } of fields) {
      let runs = 0;
      let isOrdered: boolean | undefined;
      for (const { start, run } of base64Runs(text)) {
        if (++runs > MAX_RUNS) break;
        const decoded = printableDecode(run);
        if (!decoded) continue;
        // Data (a source map, an SVG, a JSON config) decodes to text too: what counts is text that reads as orders.
        const words = new Set((decoded.match(INSTRUCTION_WORDS_ALL) ?? []).map((w) => w.toLowerCase()));
        isOrdered ??= DECODE_ORDER.test(text);
        const isInstruction = words.size >= 2 || (words.size === 1 && isOrdered);
        if (!isInstruction) continue;
        findings.push(
          findingOf(encodedPayloads, {
            severity: "high",
            message: `an encoded payload that decodes to: "${decoded.slice(0, 160)}"${isOrdered ? " (with an order to decode it)" : ""}`,
            location,
            evidence: { text: run.slice(0, 300), start, end: start + run.length },
          }),
        );
        break;
      }
    }
    return findings;
  },
};
