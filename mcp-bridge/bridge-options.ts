import { parseArgs } from "node:util";
import { parse as parseShell } from "shell-quote";
import { z } from "zod";

export const USAGE = `Usage: airlock-bridge --upstream "<command line>" [--upstream …] (--dashboard URL --token TOKEN | --policy FILE)

  --upstream SPEC     an MCP server to protect (repeatable): "<command line>", "name=<command line>",
                      or "name=<http(s) URL>" for a Streamable HTTP server
  --dashboard URL     the Airlock dashboard (or AIRLOCK_DASHBOARD_URL)
  --token TOKEN       this bridge's token (or AIRLOCK_BRIDGE_TOKEN)
  --policy FILE       a local policy file (YAML or JSON) instead of the dashboard's rules
  --audit-log FILE    with --policy: append audit events as NDJSON to FILE (default: stderr)
  --http HOST:PORT    serve Streamable HTTP at /mcp instead of stdio (not in this version)
  --help              this text`;

export type TUpstreamSpec =
  | { name: string; kind: "stdio"; command: string; args: string[] }
  | { name: string; kind: "http"; url: URL };

const NAME = /^[A-Za-z][\w-]{0,39}$/;

/** Splits a command line the way a POSIX shell would (quotes, escapes), refusing shell operators. */
export function splitCommandLine(line: string): string[] {
  const parts = parseShell(line);
  if (!parts.every((p): p is string => typeof p === "string")) {
    throw new Error(`upstream command may not contain shell operators or globs: ${line}`);
  }
  if (!parts.length) throw new Error("upstream command is empty");
  return parts;
}

/** Parses one --upstream value: `cmd args…`, `name=cmd args…` or `name=https://…`. */
export function parseUpstreamSpec(spec: string): TUpstreamSpec {
  const named = spec.match(/^([A-Za-z][\w-]{0,39})=(.+)$/s);
  const body = (named ? named[2] : spec).trim();
  if (/^https?:\/\//i.test(body)) {
    const url = new URL(body);
    return { name: named?.[1] ?? url.hostname.replace(/[^\w-]/g, "-"), kind: "http", url };
  }
  const [command, ...args] = splitCommandLine(body);
  const name = named?.[1] ?? deriveName(command, args);
  return { name, kind: "stdio", command, args };
}

const GENERIC = new Set(["index", "cli", "main", "server", "dist", "build", "lib", "src", "bin"]);

/**
 * A name for an unnamed stdio upstream: the package or script it runs
 * (`@modelcontextprotocol/server-filesystem` → `server-filesystem`,
 * `…/server-filesystem/dist/index.js` → `server-filesystem`), else the command.
 */
function deriveName(command: string, args: string[]): string {
  const subject = args.find((a) => !a.startsWith("-") && (/^@[\w.-]+\/[\w.-]+/.test(a) || /\.(c|m)?[jt]s$/.test(a))) ?? command;
  const parts = subject.replace(/@[^@/]*$/, "").split(/[\\/]/).filter(Boolean);
  const meaningful = [...parts].reverse().map((p) => p.replace(/\.(c|m)?[jt]s$/, "")).find((p) => !GENERIC.has(p));
  const derived = (meaningful ?? parts.at(-1) ?? command).replace(/[^\w-]/g, "-");
  return NAME.test(derived) ? derived : "upstream";
}

const ZOptions = z
  .object({
    upstream: z.array(z.string().min(1)).min(1, "at least one --upstream is required"),
    dashboard: z.string().url().optional(),
    token: z.string().min(1).optional(),
    policy: z.string().min(1).optional(),
    "audit-log": z.string().min(1).optional(),
    http: z.string().regex(/^[\w.:[\]-]+:\d+$/, "expected HOST:PORT").optional(),
  })
  .refine((o) => !(o.dashboard && o.policy), { message: "use either --dashboard or --policy, not both" })
  .refine((o) => o.dashboard || o.policy, {
    message: "no policy source: pass --dashboard URL with --token (or AIRLOCK_DASHBOARD_URL / AIRLOCK_BRIDGE_TOKEN), or --policy FILE",
  })
  .refine((o) => !o.dashboard || o.token, { message: "--dashboard needs a bridge token (--token or AIRLOCK_BRIDGE_TOKEN)" });

export interface BridgeOptions {
  upstreams: TUpstreamSpec[];
  dashboard?: { url: string; token: string };
  policyFile?: string;
  auditLog?: string;
  http?: string;
}

export class UsageError extends Error {}

/** Reads flags and environment; throws UsageError with a message fit for a terminal. */
export function parseBridgeOptions(argv: string[], env: Record<string, string | undefined> = process.env): BridgeOptions | "help" {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        upstream: { type: "string", multiple: true },
        dashboard: { type: "string" },
        token: { type: "string" },
        policy: { type: "string" },
        "audit-log": { type: "string" },
        http: { type: "string" },
        help: { type: "boolean" },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const result = ZOptions.safeParse({
    ...values,
    upstream: values.upstream ?? [],
    dashboard: values.dashboard ?? (values.policy ? undefined : env.AIRLOCK_DASHBOARD_URL),
    token: values.token ?? env.AIRLOCK_BRIDGE_TOKEN,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UsageError(issue.path.length ? `--${issue.path.join(".")}: ${issue.message}` : issue.message);
  }
  const o = result.data;
  let upstreams: TUpstreamSpec[];
  try {
    upstreams = o.upstream.map(parseUpstreamSpec);
  } catch (error) {
    throw new UsageError(`--upstream: ${(error as Error).message}`);
  }
  const names = upstreams.map((u) => u.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`two upstreams are named "${duplicate}": name them with name=<command>`);
  if (o.http) throw new UsageError("--http is not supported by this version yet; use stdio");
  return {
    upstreams,
    dashboard: o.dashboard && o.token ? { url: o.dashboard.replace(/\/+$/, ""), token: o.token } : undefined,
    policyFile: o.policy,
    auditLog: o["audit-log"],
    http: o.http,
  };
}
