import { parse as parseShell } from "shell-quote";

export type TUpstreamSpec = { name: string; kind: "stdio"; command: string; args: string[] } | { name: string; kind: "http"; url: URL };

/** Upstream names become tool-name prefixes (`name__tool`) and rule globs match them: keep them plain. */
export const UPSTREAM_NAME = /^[A-Za-z][\w-]{0,39}$/;

/**
 * Splits a command line the way a POSIX shell would (quotes, escapes) without a
 * shell: operators, globs and comments are refused rather than handed to a program
 * as literal arguments, and `$VAR` is not expanded (the upstream gets no shell).
 */
export function splitCommandLine(line: string): string[] {
  // Returning the variable's own text keeps `$HOME` literal instead of silently empty.
  const parts = parseShell(line, (key) => `$${key}`);
  if (!parts.every((p): p is string => typeof p === "string")) {
    throw new Error(`upstream command may not contain shell operators, globs or comments: ${line}`);
  }
  if (!parts.length) throw new Error("upstream command is empty");
  return parts;
}

/** Parses one --upstream value: `cmd args…`, `name=cmd args…`, `https://…` or `name=https://…`. */
export function parseUpstreamSpec(spec: string): TUpstreamSpec {
  const named = spec.match(/^([A-Za-z][\w-]{0,39})=(.+)$/s);
  const body = (named ? named[2] : spec).trim();
  if (/^https?:\/\//i.test(body)) {
    let url: URL;
    try {
      url = new URL(body);
    } catch {
      throw new Error(`not a valid URL: ${body}`);
    }
    return { name: named?.[1] ?? nameFromHost(url.hostname), kind: "http", url };
  }
  const [command, ...args] = splitCommandLine(body);
  return { name: named?.[1] ?? deriveName(command, args), kind: "stdio", command, args };
}

/** `mcp.example.com` → `mcp-example-com`; an IP address gets a leading letter to stay a valid name. */
function nameFromHost(hostname: string): string {
  const derived = hostname
    .replace(/^\[|\]$/g, "")
    .replace(/[^\w-]/g, "-")
    .slice(0, 40);
  if (UPSTREAM_NAME.test(derived)) return derived;
  const prefixed = `h${derived}`.slice(0, 40);
  return UPSTREAM_NAME.test(prefixed) ? prefixed : "upstream";
}

const GENERIC = new Set(["index", "cli", "main", "server", "dist", "build", "lib", "src", "bin"]);

/**
 * A name for an unnamed stdio upstream: the package or script it runs
 * (`@modelcontextprotocol/server-filesystem` → `server-filesystem`,
 * `…/server-filesystem/dist/index.js` → `server-filesystem`), else the command's basename.
 */
function deriveName(command: string, args: string[]): string {
  const subject = args.find((a) => !a.startsWith("-") && (/^@[\w.-]+\/[\w.-]+/.test(a) || /\.(c|m)?[jt]s$/.test(a))) ?? command;
  const parts = subject
    .replace(/@[^@/]*$/, "")
    .split(/[\\/]/)
    .filter(Boolean);
  const meaningful = [...parts]
    .reverse()
    .map((p) => p.replace(/\.(c|m)?[jt]s$/, ""))
    .find((p) => !GENERIC.has(p));
  const derived = (meaningful ?? parts.at(-1) ?? command).replace(/\.exe$/i, "").replace(/[^\w-]/g, "-");
  return UPSTREAM_NAME.test(derived) ? derived : "upstream";
}
