import { findingOf, type TDetector, type TFinding } from "./detector.types";

/** A run starts where the previous character is not base64 (searching from inside every word costs 3x). */
const BASE64_RUN = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40,4096}={0,2}/g;
const INSTRUCTION_WORDS = /\b(?:ignore|instructions?|assistant|system|prompt|send|read|tool|user|must|secret|password|token|ssh|execute|curl|http)\b/i;
const DECODE_ORDER = /\b(?:decode|base64|b64|atob|decrypt|deobfuscate)\b/i;
const MAX_RUNS = 20;

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
      for (const match of text.matchAll(BASE64_RUN)) {
        if (++runs > MAX_RUNS) break;
        const decoded = printableDecode(match[0]);
        if (!decoded) continue;
        const isInstruction = INSTRUCTION_WORDS.test(decoded);
        const isOrdered = DECODE_ORDER.test(text);
        if (!isInstruction && !isOrdered) continue;
        findings.push(
          findingOf(encodedPayloads, {
            severity: "high",
            message: `an encoded payload that decodes to: "${decoded.slice(0, 160)}"${isOrdered ? " (with an order to decode it)" : ""}`,
            location,
            evidence: { text: match[0].slice(0, 300), start: match.index, end: match.index + match[0].length },
          }),
        );
        break;
      }
    }
    return findings;
  },
};
