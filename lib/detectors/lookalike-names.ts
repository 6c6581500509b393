import { findingOf, type TDetector } from "./detector.types";
import { foldText } from "./fold-text";

/**
 * A name as the eye reads it: look-alike letters of other scripts, fullwidth forms and
 * invisible characters folded (fold-text), case ignored, and the ASCII look-alikes
 * (1 l I, 0 O, rn m, vv w, - _) made one.
 */
export function visualKey(name: string): string {
  return foldText(name)
    .text.toLowerCase()
    .replace(/rn/g, "m")
    .replace(/vv/g, "w")
    .replace(/[1i|]/g, "l")
    .replace(/0/g, "o")
    .replace(/[-.\s]/g, "_");
}

/** Edit distance with transpositions (optimal string alignment), bounded: above `max` it answers max + 1. */
export function editDistance(a: string, b: string, max = 2): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The tool a name impersonates: another name that reads the same to the eye, but is not the same name. */
export function impersonated(name: string, others: readonly string[]): string | null {
  const key = visualKey(name);
  return others.find((other) => other !== name && visualKey(other) === key) ?? null;
}

/** The closest real tool to a name nobody serves (a hallucinated or mistyped call): within two edits. */
export function nearestTool(name: string, tools: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const tool of tools) {
    const d = editDistance(visualKey(name), visualKey(tool), 2);
    if (d < bestDistance) {
      best = tool;
      bestDistance = d;
    }
  }
  return best;
}

/** A tool whose name reads like another's (send_emaiI for send_email, a Cyrillic а): one of them is an impostor. */
export const lookalikeNames: TDetector = {
  id: "lookalike-names",
  version: 1,
  scan(fields, context) {
    const name = fields.find((f) => f.location === "name");
    if (!name || !context.otherTools?.length) return [];
    const other = impersonated(name.text, context.otherTools);
    if (!other) return [];
    return [
      findingOf(lookalikeNames, {
        severity: "high",
        message: `a name that reads like another tool's ("${other}"): one of them may impersonate the other`,
        location: "name",
        evidence: { text: name.text, start: 0, end: name.text.length },
      }),
    ];
  },
};
