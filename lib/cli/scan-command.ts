// `airlock scan --upstream …`: the definition detectors run against a server from the
// command line, offline (nothing is sent anywhere but to the server scanned), for CI.
import { parseArgs } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseUpstreamSpec, type TUpstreamSpec } from "../../mcp-bridge/upstream-spec";
import type { TFinding, TSeverity } from "../detectors/detector.types";
import { SEVERITIES, severityRank } from "../detectors/detector.types";
import { scanFields, scanToolDefinition } from "../detectors/scan-definition";

export const SCAN_USAGE = `Usage: airlock scan --upstream "<command line>"|<http(s) URL> [--upstream …] [--format text|json] [--fail-on low|medium|high]

Connects to each server as the bridge does and scans its tools, prompts, resource templates and
instructions with the definition detectors. Exit 0: nothing at or above --fail-on (default medium);
1: something is; 2: a server could not be scanned.`;

type TScanFinding = TFinding & { target: string };
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
  let values: { upstream?: string[]; format?: string; "fail-on"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        upstream: { type: "string", multiple: true },
        format: { type: "string" },
        "fail-on": { type: "string" },
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
  if (!values.upstream?.length || !["text", "json"].includes(format) || !SEVERITIES.includes(failOn)) {
    console.error(`airlock scan: give at least one --upstream, --format text|json and --fail-on low|medium|high\n\n${SCAN_USAGE}`);
    return 2;
  }
  const findings: TScanFinding[] = [];
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
  if (format === "json") console.log(JSON.stringify({ findings }, null, 2));
  else {
    for (const f of findings) console.log(`${f.severity.toUpperCase().padEnd(6)} ${f.target} ${f.location}: ${f.message} — "${f.evidence.text.slice(0, 120)}"`);
    console.log(findings.length ? `${findings.length} finding(s)` : "no findings");
  }
  return findings.some((f) => severityRank(f.severity) >= severityRank(failOn)) ? 1 : 0;
}
