// `airlock scan` from the command line against real MCP servers: a poisoned one
// fails the scan (exit 1) with its findings, the reference servers pass (exit 0),
// and a server that cannot be reached is exit 2.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVERYTHING_SERVER } from "../helpers/bridge-client";
import { AIRLOCK_BIN, FILESYSTEM_SERVER } from "../helpers/dashboard";

const POISONED = `${process.execPath} --import tsx ${join(import.meta.dirname, "..", "servers", "poisoned-server.ts")}`;

function scan(...args: string[]) {
  const result = spawnSync(process.execPath, [AIRLOCK_BIN, "scan", ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("airlock scan", () => {
  it("fails on a poisoned server and says what it found, as JSON", () => {
    const { status, stdout } = scan("--upstream", `calc=${POISONED}`, "--format", "json");
    expect(status).toBe(1);
    const { findings } = JSON.parse(stdout);
    expect(findings.every((f: { target: string }) => f.target === "tool:add")).toBe(true);
    expect(findings[0]).toMatchObject({ detector: "hidden-instructions", severity: "high", location: "description" });
  });

  it("passes the reference servers, whose tools are honest", () => {
    for (const server of [`node ${FILESYSTEM_SERVER} ${import.meta.dirname}`, EVERYTHING_SERVER]) {
      const { status, stdout } = scan("--upstream", server, "--format", "json");
      expect({ server, status, findings: JSON.parse(stdout).findings }).toEqual({ server, status: 0, findings: [] });
    }
  });

  it("counts findings at or above --fail-on: the poisoned server fails even at high, an honest one passes even at low", () => {
    expect(scan("--upstream", `calc=${POISONED}`, "--fail-on", "high").status).toBe(1);
    expect(scan("--upstream", `node ${FILESYSTEM_SERVER} ${import.meta.dirname}`, "--fail-on", "low").status).toBe(0);
  });

  it("exits 2 for a server that quits before answering", () => {
    expect(scan("--upstream", "node -e process.exit(0)").status).toBe(2);
  });

  it("exits 2 when it cannot scan or is asked wrongly", () => {
    expect(scan("--upstream", "airlock-no-such-command-1234").status).toBe(2);
    expect(scan("--format", "xml", "--upstream", POISONED).status).toBe(2);
    expect(scan().status).toBe(2);
  });
});
