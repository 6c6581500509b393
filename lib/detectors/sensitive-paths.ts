import type { TDetector } from "./detector.types";
import { matchPatterns, type TPattern } from "./match-patterns";

/**
 * Paths that hold credentials or an agent's configuration. Naming a private
 * key or a credentials file in a description is unusual enough to flag; a
 * project's `.env` is often named legitimately (a dotenv loader), so alone it
 * is only low. Orders to read or send them are the hidden-instructions detector's.
 */
const PATTERNS: TPattern[] = [
  // Private keys, not the public halves (`id_ed25519.pub`, `known_hosts`), which are meant to be shared.
  {
    regex:
      /(?:~|\$HOME|\/home\/[\w.-]{1,32}|\/root)?\/\.ssh\/(?!known_hosts\b|config\b|[\w.-]{0,40}\.pub\b)[\w.-]{1,40}|\bid_(?:rsa|dsa|ecdsa|ed25519)\b(?!\.pub)/i,
    severity: "medium",
    message: "names SSH keys",
  },
  {
    regex: /\.aws\/credentials|\.config\/gcloud|application_default_credentials\.json|\.azure\/(?:credentials|accessTokens)|\.kube\/config\b/i,
    severity: "medium",
    message: "names cloud credentials",
  },
  {
    regex: /\bmcp\.json\b|claude_desktop_config\.json|\.cursor\/mcp|\.vscode\/mcp\.json/i,
    severity: "medium",
    message: "names an MCP client's configuration (other servers and their secrets)",
  },
  { regex: /\.git-credentials\b|\.npmrc\b|\.netrc\b|\.pgpass\b|\.docker\/config\.json/i, severity: "medium", message: "names a file that stores credentials" },
  { regex: /\/etc\/shadow\b/i, severity: "medium", message: "names the system's password hashes" },
  { regex: /\.bash_history\b|\.zsh_history\b/i, severity: "low", message: "names a shell history" },
  { regex: /(?:^|[\s"'`(/])\.env(?:\.local|\.production)?\b/i, severity: "low", message: "names a .env file" },
];

/** Every pattern needs one of these: fields without any are skipped after one cheap search. */
const PREFILTER = /ssh|id_|aws|gcloud|azure|kube|mcp|claude|\.cursor|\.vscode|credentials|\.npmrc|\.netrc|\.pgpass|\.docker|shadow|history|\.env/i;

export const sensitivePaths: TDetector = {
  id: "sensitive-paths",
  version: 1,
  scan: (fields) =>
    matchPatterns(
      sensitivePaths,
      PATTERNS,
      fields.filter((f) => PREFILTER.test(f.text)),
    ),
};
