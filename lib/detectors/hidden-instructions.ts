import type { TDetector } from "./detector.types";
import { matchPatterns, type TPattern } from "./match-patterns";

/**
 * What an order to read or pass on is an attack on. Not `.env` (dotenv tools read it;
 * sensitive-paths flags it low), and not "conversation history" alone (chat tools read a
 * channel's history): the model's own conversation is named as the whole of it or "so far".
 */
const SECRET_TARGETS =
  "(?:~?/?\\.ssh\\b|id_rsa|id_ed25519|private[ _-]?key|mcp\\.json|claude_desktop_config|\\.aws/credentials|credentials? file|system[ _-]?prompt|(?:full|entire|whole|complete) (?:conversation|chat)|(?:this|our|the) conversation so far|(?:your|the user's) (?:previous |prior )?messages|\\.npmrc|\\.netrc|\\.git-credentials|\\.kube/config)";

/**
 * Instructions aimed at the model inside a tool, prompt or server description:
 * tags that dress text up as system instructions, concealment from the user,
 * overriding other instructions, and orders to read or send secrets, in
 * several languages. A quoted mention in a text about attacks is only low.
 */
const PATTERNS: TPattern[] = [
  {
    regex: /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|critical|admin|priority)\b[^<>]{0,40}>/i,
    severity: "high",
    message: "a tag that dresses text up as instructions to the model",
  },
  {
    regex:
      /\b(?:do not|don't|dont|never|without)\s+(?:ever\s+)?(?:tell|telling|mention|mentioning|inform|informing|reveal|revealing|alert|alerting|notify|notifying|show|showing|disclose|disclosing)\s+(?:this\s+|it\s+|anything\s+|that\s+)?(?:to\s+)?(?:the\s+)?(?:user|human|operator)s?\b/i,
    severity: "high",
    message: "asks the model to hide something from the user",
  },
  {
    regex:
      /\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|every\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|other|original|system|existing)\s+(?:instructions|rules|prompts?|messages|guidelines|directives|constraints)\b/i,
    severity: "high",
    message: "tells the model to override its instructions",
  },
  {
    regex: new RegExp(
      // The gap may hold a path's dots ("~/.cursor/mcp.json") but not a sentence's end (a dot before a space).
      `\\b(?:read|cat|open|load|include|attach|append|send|upload|post|pass|provide|copy|forward|exfiltrate|leak|put|insert|add)\\b(?:[^.\\n]|\\.(?=\\S)){0,80}${SECRET_TARGETS}`,
      "i",
    ),
    severity: "high",
    message: "tells the model to read or pass on secrets, the system prompt or the conversation",
  },
  {
    regex:
      /\b(?:before|prior to)\s+(?:using|calling|invoking|running|executing)\s+(?:this|any|the|every)\s+(?:tool|function|command)\b[^.\n]{0,120}\b(?:must|first|always)\b/i,
    severity: "medium",
    message: "sets a condition the model must meet before using a tool",
  },
  {
    regex:
      /\b(?:the\s+)?(?:assistant|ai|model|llm|agent)\s+(?:must|is required to|has to|shall)\s+(?:always\s+|first\s+|secretly\s+|silently\s+)?(?:call|send|read|include|pass|forward|ignore|use)\b/i,
    severity: "medium",
    message: "orders the model to act",
  },
  {
    regex: /\b(?:secretly|silently|covertly|quietly)\s+(?:call|send|read|include|pass|forward|upload|copy|add|post|share)(?:s|es|ed|ing)?\b/i,
    severity: "high",
    message: "asks the model to act covertly",
  },
  // Other languages: the same two moves, concealment and override.
  {
    regex:
      /(?:no\s+(?:le\s+)?(?:digas|menciones|informes|cuentes)\s+(?:nada\s+)?al\s+usuario|ignora\s+(?:todas\s+)?las\s+instrucciones\s+(?:anteriores|previas))/i,
    severity: "high",
    message: "instructions to the model (Spanish)",
  },
  {
    regex:
      /(?:ne\s+(?:le\s+|lui\s+)?(?:dites|dis)\s+(?:rien|pas)\s+à\s+l['’]utilisateur|ignore[zr]?\s+(?:toutes\s+)?les\s+instructions\s+(?:précédentes|antérieures))/i,
    severity: "high",
    message: "instructions to the model (French)",
  },
  {
    regex:
      /(?:ignorier(?:e|en\s+sie)\s+(?:alle\s+)?(?:vorherigen|bisherigen|obigen)\s+(?:anweisungen|instruktionen)|(?:sag|sage|sagen\s+sie)\s+(?:es\s+)?dem\s+(?:benutzer|nutzer)\s+nicht)/i,
    severity: "high",
    message: "instructions to the model (German)",
  },
  {
    regex: /(?:ignore\s+(?:todas\s+)?as\s+instruções\s+anteriores|não\s+(?:diga|conte|informe|mencione)\s+(?:nada\s+)?ao\s+usuário)/i,
    severity: "high",
    message: "instructions to the model (Portuguese)",
  },
  {
    regex: /(?:игнорируй(?:те)?\s+(?:все\s+)?предыдущие\s+инструкции|не\s+(?:говори|сообщай)(?:те)?\s+пользователю)/i,
    severity: "high",
    message: "instructions to the model (Russian)",
  },
  {
    regex: /(?:忽略|无视)(?:之前|以前|上述|先前)?的?(?:所有)?(?:指令|指示|说明)|不要(?:告诉|通知|让)用户/,
    severity: "high",
    message: "instructions to the model (Chinese)",
  },
  { regex: /(?:以前の指示を無視|ユーザーに(?:は)?(?:言わ|伝え|知らせ)ないで)/, severity: "high", message: "instructions to the model (Japanese)" },
];

export const hiddenInstructions: TDetector = {
  id: "hidden-instructions",
  version: 1,
  scan: (fields) => matchPatterns(hiddenInstructions, PATTERNS, fields),
};
