// `airlock scan`: the detectors from the command line, offline (nothing is sent anywhere
// but to a server scanned), for CI and for incident response:
//   --upstream  a server's tools, prompts, resource templates and instructions;
//   --text      texts, as a tool result or as a call's arguments;
//   --session   recorded sessions, replayed through every detector and the chain rule.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { z } from "zod";
import { parseUpstreamSpec, type TUpstreamSpec } from "../../mcp-bridge/upstream-spec";
import type { TFinding, TSeverity } from "../detectors/detector.types";
import { SEVERITIES, severityRank } from "../detectors/detector.types";
import { scanText } from "../detectors/scan-content";
import { scanFields, scanToolDefinition } from "../detectors/scan-definition";
import { replaySession, type TSessionStep } from "../detectors/session-chain";

export const SCAN_USAGE = `Usage:
  airlock scan --upstream "<command line>"|<http(s) URL> [--upstream …]
  airlock scan --text FILE|- [FILE …] [--as result|arguments]
  airlock scan --session FILE [FILE …]
  options: [--format text|json] [--fail-on low|medium|high]

--upstream connects to each server as the bridge does and scans its tools, prompts, resource
templates and instructions. --text scans each file as a tool result (the default) or as a call's
arguments (JSON is walked; other text is one value; - reads standard input). --session replays recorded
sessions (a JSON array of steps { server, tool, annotations?, arguments, result? }) through every
detector and the chain rule and reports the steps that would have been held ("held": true).
Nothing is sent anywhere. Each finding's target is the file as given, or tool:NAME, prompt:NAME,
resource:URI, server:NAME for a server.

Exit 0: nothing at or above --fail-on (default medium; for --session, no step would have been
held); 1: something is; 2: something could not be scanned.`;

type TScanFinding = TFinding & { target: string; held?: boolean };

const ZSessionStep = z.object({
  server: z.string().max(500),
  tool: z.string().min(1).max(500),
  annotations: z
    .object({
      title: z.string().optional(),
      readOnlyHint: z.boolean().optional(),
      destructiveHint: z.boolean().optional(),
      idempotentHint: z.boolean().optional(),
      openWorldHint: z.boolean().optional(),
    })
    .passthrough()
    .optional(),
  arguments: z.unknown().optional(),
  result: z.unknown().optional(),
  tags: z.object({ source: z.enum(["private", "untrusted", "both", "none"]).optional(), sink: z.boolean().optional() }).optional(),
});
/** A recorded session: an array of steps, or an object that holds them in `steps`. */
const ZSession = z.union([
  z.array(ZSessionStep),
  z
    .object({ steps: z.array(ZSessionStep) })
    .passthrough()
    .transform((s) => s.steps),
]);

/** Over this a text is not read at all (the detectors themselves scan each value up to their own limit). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

function readInput(path: string): string {
  const text = readFileSync(path === "-" ? 0 : path, "utf8");
  if (text.length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
  return text;
}

function scanTextFile(path: string, as: "result" | "arguments"): TScanFinding[] {
  return scanText(readInput(path), as).map((f) => ({ ...f, target: path }));
}

/** The findings of the steps that would have been held; with `all`, the others' too (held: false). */
function scanSessionFile(path: string, all: boolean): TScanFinding[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readInput(path));
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const parsed = ZSession.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`not a session (a JSON array of steps { server, tool, arguments, result? }): ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const findings: TScanFinding[] = [];
  for (const verdict of replaySession(parsed.data as TSessionStep[])) {
    if (!verdict.held && !all) continue;
    const at = `steps.${verdict.index}`;
    if (verdict.held) {
      findings.push({
        detector: "session-chain",
        version: 1,
        severity: "high",
        message: `step ${verdict.index + 1} would have been held: ${verdict.reasons.join("; ")}`,
        location: at,
        evidence: { text: "", start: 0, end: 0 },
        target: path,
        held: true,
      });
    }
    for (const f of verdict.findings) findings.push({ ...f, location: `${at}.${f.location}`, target: path, held: verdict.held });
  }
  return findings;
}
const CONNECT_TIMEOUT_MS = 30_000;

async function connect(spec: TUpstreamSpec): Promise<Client> {
  const client = new Client({ name: "airlock-scan", version: "1.0.0" });
  const transport =
    spec.kind === "stdio"
      ? new StdioClientTransport({ command: spec.command, args: spec.args, stderr: "ignore" })
      : new StreamableHTTPClientTransport(spec.url);
  await client.connect(transport, { timeout: CONNECT_TIMEOUT_MS });
  return client;
}

/** Every definition one server offers, scanned; each finding says which tool, prompt or template. */
async function scanServer(spec: TUpstreamSpec): Promise<TScanFinding[]> {
  const client = await connect(spec);
  try {
    const capabilities = client.getServerCapabilities() ?? {};
    const tools = [];
    for (let cursor: string | undefined, pages = 0; pages < 100; pages++) {
      const page = await client.listTools(cursor ? { cursor } : undefined);
      tools.push(...page.tools);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const names = tools.map((t) => t.name);
    const findings: TScanFinding[] = tools.flatMap((tool) =>
      scanToolDefinition(tool as Record<string, unknown>, { otherTools: names }).map((f) => ({ ...f, target: `tool:${tool.name}` })),
    );
    if (capabilities.prompts) {
      for (const prompt of (await client.listPrompts()).prompts) {
        const fields = [
          { location: "name", text: prompt.name },
          { location: "description", text: prompt.description ?? "" },
          ...(prompt.arguments ?? []).map((a, i) => ({ location: `arguments.${i}.description`, text: a.description ?? "" })),
        ];
        findings.push(...scanFields(fields, { otherTools: names }).map((f) => ({ ...f, target: `prompt:${prompt.name}` })));
      }
    }
    if (capabilities.resources) {
      for (const template of (await client.listResourceTemplates()).resourceTemplates) {
        const fields = [
          { location: "name", text: template.name },
          { location: "description", text: template.description ?? "" },
          { location: "uriTemplate", text: template.uriTemplate },
        ];
        findings.push(...scanFields(fields, { otherTools: names }).map((f) => ({ ...f, target: `resource:${template.uriTemplate}` })));
      }
    }
    const instructions = client.getInstructions();
    if (instructions)
      findings.push(
        ...scanFields([{ location: "instructions", text: instructions }], { otherTools: names }).map((f) => ({ ...f, target: `server:${spec.name}` })),
      );
    return findings;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Runs the scan and returns the exit code. */
export async function runScan(argv: string[]): Promise<number> {
  let values: {
    upstream?: string[];
    text?: string[];
    session?: string[];
    as?: string;
    format?: string;
    "fail-on"?: string;
    "all-findings"?: boolean;
    help?: boolean;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        upstream: { type: "string", multiple: true },
        text: { type: "string", multiple: true },
        session: { type: "string", multiple: true },
        as: { type: "string" },
        format: { type: "string" },
        "fail-on": { type: "string" },
        "all-findings": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`airlock scan: ${(error as Error).message}\n\n${SCAN_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(SCAN_USAGE);
    return 0;
  }
  const format = values.format ?? "text";
  const failOn = (values["fail-on"] ?? "medium") as TSeverity;
  const modes = [values.upstream, values.text, values.session].filter((m) => m?.length).length;
  const problem =
    modes !== 1
      ? "give one of --upstream, --text or --session"
      : !["text", "json"].includes(format)
        ? "--format is text or json"
        : !SEVERITIES.includes(failOn)
          ? "--fail-on is low, medium or high"
          : values.text?.length && !["result", "arguments"].includes(values.as ?? "result")
            ? "--as is result or arguments"
            : !values.text?.length && values.as
              ? "--as goes with --text"
              : positionals.length && values.upstream?.length
                ? `unexpected argument ${positionals[0]} (repeat --upstream for several servers)`
                : null;
  if (problem) {
    console.error(`airlock scan: ${problem}\n\n${SCAN_USAGE}`);
    return 2;
  }
  const findings: TScanFinding[] = [];
  if (values.upstream?.length) {
    for (const raw of values.upstream) {
      try {
        const spec = parseUpstreamSpec(raw);
        if (format === "text") console.error(`scanning ${spec.name}…`);
        findings.push(...(await scanServer(spec)));
      } catch (error) {
        console.error(`airlock scan: could not scan ${raw}: ${(error as Error).message}`);
        return 2;
      }
    }
  } else {
    // --text a b c and --text a --text b both name several files.
    const files = [...(values.text ?? values.session ?? []), ...positionals];
    for (const file of files) {
      try {
        findings.push(
          ...(values.text?.length
            ? scanTextFile(file, (values.as ?? "result") as "result" | "arguments")
            : scanSessionFile(file, values["all-findings"] === true)),
        );
      } catch (error) {
        console.error(`airlock scan: could not scan ${file}: ${(error as Error).message}`);
        return 2;
      }
    }
  }
  if (format === "json") console.log(JSON.stringify({ findings }, null, 2));
  else {
    for (const f of findings) {
      const evidence = f.evidence.text ? ` — "${f.evidence.text.slice(0, 120)}"` : "";
      console.log(`${f.severity.toUpperCase().padEnd(6)} ${f.target} ${f.location}: ${f.message}${evidence}`);
    }
    console.log(findings.length ? `${findings.length} finding(s)` : "no findings");
  }
  const isFailing = values.session?.length ? findings.some((f) => f.held) : findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
  return isFailing ? 1 : 0;
}
