import { findingOf, type TDetector, type TFinding } from "./detector.types";
import { matchPatterns, type TPattern } from "./match-patterns";

/** An order… */
const ORDER = /\b(?:must|should|always|never|whenever|override|replace|change|required)\b/i;
/** …about what another tool's call carries or where it goes. "Use X instead" (a deprecation pointer) has neither. */
const PAYLOAD =
  /\b(?:send|sent|sends|forward|forwarded|bcc|cc|copy|copied|recipient|recipients|address|argument|arguments|parameter|include|included|attach|add|redirect|url|endpoint|webhook)\b|@[\w-]+\./i;

const GENERIC: TPattern[] = [
  {
    regex:
      /\bwhen(?:ever)?\s+(?:using|calling|invoking|the user asks? (?:you )?to use)\s+(?:the\s+)?[\w.-]{2,64}\s+tool\b[^.\n]{0,160}\b(?:must|always|instead|also|never|first)\b/i,
    severity: "high",
    message: "changes how the model uses another tool",
  },
  {
    regex:
      /\b(?:all|any|every)\s+(?:emails?|messages?|requests?|calls?|payments?|transfers?)\s+(?:sent|made|issued)\s+(?:with|via|through|by)\s+(?:the\s+)?[\w.-]{2,64}\b[^.\n]{0,120}\b(?:must|should|always)\b/i,
    severity: "high",
    message: "changes what another tool sends",
  },
];

/**
 * A description that changes how *another* tool or server behaves: it names
 * one of the bridge's other tools in a sentence that orders (must, always…)
 * something about what that tool's calls carry or where they go (send to, bcc,
 * parameter…), or uses the generic "when using the X tool, …". Pointing to
 * another tool ("DEPRECATED: use read_text_file instead") is not shadowing.
 */
export const crossToolShadowing: TDetector = {
  id: "cross-tool-shadowing",
  version: 1,
  scan(fields, context) {
    const others = (context.otherTools ?? []).filter((name) => name.length >= 3 && name !== context.subject);
    const findings: TFinding[] = matchPatterns(crossToolShadowing, GENERIC, fields);
    for (const { location, text } of fields) {
      if (location === "name" || location.endsWith("#name")) continue;
      for (const name of others) {
        const at = text.indexOf(name);
        if (at < 0) continue;
        const sentenceStart = Math.max(text.lastIndexOf(".", at) + 1, at - 200);
        const sentenceEnd = (() => {
          const dot = text.indexOf(".", at + name.length);
          return dot < 0 ? Math.min(text.length, at + 300) : Math.min(dot, at + 300);
        })();
        const sentence = text.slice(sentenceStart, sentenceEnd);
        if (!ORDER.test(sentence) || !PAYLOAD.test(sentence)) continue;
        findings.push(
          findingOf(crossToolShadowing, {
            severity: "high",
            message: `names another tool ("${name}") and tells the model how to use it`,
            location,
            evidence: { text: sentence.trim().slice(0, 300), start: sentenceStart, end: sentenceEnd },
          }),
        );
        break;
      }
    }
    return findings;
  },
};
