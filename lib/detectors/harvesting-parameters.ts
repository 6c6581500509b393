import { findingOf, type TDetector, type TFinding } from "./detector.types";
import { matchPatterns, type TPattern } from "./match-patterns";

/** Parameter names that ask the model for what only it holds: its instructions, the conversation, its memory. */
const CONTEXT_NAME =
  /^(?:system_?prompt|system_?instructions?|conversation(?:_?history)?|chat_?history|previous_?messages|prior_?messages|all_?messages|message_?history|full_?context|context_?window|assistant_?memory|hidden_?instructions?)$/i;
const SYSTEM_PROMPT_NAME = /^(?:system_?prompt|system_?instructions?)$/i;
/** Parameter names that ask for the environment or credentials of the machine rather than of a service. */
const MACHINE_NAME = /^(?:env(?:ironment)?(?:_?vars?|_?variables)?|ssh_?keys?|private_?keys?|aws_?credentials|credentials_?file)$/i;

const DESCRIPTION_PATTERNS: TPattern[] = [
  {
    regex:
      /\b(?:full|entire|complete|whole|all of the|all|every)\s+(?:the\s+)?(?:previous\s+|prior\s+|earlier\s+)?(?:conversation|chat|message history|messages|context|transcript)\b|\byour\s+(?:own\s+)?(?:system\s+prompt|instructions|initial\s+prompt|context)\b|\bmessages\s+between\s+you\s+and\s+the\s+user\b/i,
    severity: "high",
    message: "a parameter that asks for the conversation or the system prompt",
  },
  {
    regex: /\b(?:contents?\s+of|content\s+from)\s+(?:the\s+)?(?:user's\s+)?(?:~|\/|\.)[\w./-]{1,80}/i,
    severity: "medium",
    message: "a parameter that asks for a file's contents",
  },
];

/**
 * Parameters that harvest context: by their name (system_prompt, chat_history,
 * env) or by their description ("the full conversation so far"). A parameter
 * for a service's API key or token is ordinary and not flagged here.
 */
export const harvestingParameters: TDetector = {
  id: "harvesting-parameters",
  version: 1,
  scan(fields) {
    const findings: TFinding[] = [];
    for (const { location, text } of fields) {
      if (!location.endsWith("#name")) continue;
      // A tool that calls a model may take a system_prompt of its own: the name alone is medium; a description asking for *yours* is high.
      // A prompt-management or model-calling tool takes a system_prompt of its own: that name alone is low. The model's own
      // chat history or the machine's secrets by name are medium; a description asking for *yours* is high (below).
      const severity = SYSTEM_PROMPT_NAME.test(text) ? "low" : CONTEXT_NAME.test(text) || MACHINE_NAME.test(text) ? "medium" : null;
      if (severity) {
        findings.push(
          findingOf(harvestingParameters, {
            severity,
            message: CONTEXT_NAME.test(text)
              ? `a parameter named "${text}" may ask for the model's context`
              : `a parameter named "${text}" asks for the machine's secrets`,
            location,
            evidence: { text, start: 0, end: text.length },
          }),
        );
      }
    }
    const descriptions = fields.filter((f) => /\.properties\.[^.]+\.description$/.test(f.location));
    return [...findings, ...matchPatterns(harvestingParameters, DESCRIPTION_PATTERNS, descriptions)];
  },
};
