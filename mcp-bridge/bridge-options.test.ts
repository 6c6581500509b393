import { describe, expect, it } from "vitest";
import { parseBridgeOptions, UsageError } from "./bridge-options";
import { parseUpstreamSpec } from "./upstream-spec";

describe("--upstream", () => {
  it.each([
    ["npx -y @modelcontextprotocol/server-filesystem /tmp/work", "server-filesystem", "npx", ["-y", "@modelcontextprotocol/server-filesystem", "/tmp/work"]],
    [
      "node node_modules/@modelcontextprotocol/server-filesystem/dist/index.js /srv",
      "server-filesystem",
      "node",
      ["node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "/srv"],
    ],
    ["fs=node server.js '/path with spaces'", "fs", "node", ["server.js", "/path with spaces"]],
    ["uvx mcp-server-git", "uvx", "uvx", ["mcp-server-git"]],
  ])("%s → %s", (spec, name, command, args) => {
    expect(parseUpstreamSpec(spec)).toEqual({ name, kind: "stdio", command, args });
  });

  it("names URLs and reads them as HTTP upstreams", () => {
    const spec = parseUpstreamSpec("search=https://mcp.example.com/mcp");
    expect(spec).toMatchObject({ name: "search", kind: "http" });
  });

  it("refuses shell operators instead of passing them to a program", () => {
    expect(() => parseUpstreamSpec("node server.js; rm -rf /")).toThrow(/shell operators/);
    expect(() => parseUpstreamSpec("node server.js | tee log")).toThrow(/shell operators/);
  });
});

describe("parseBridgeOptions", () => {
  const env = {};
  it.each([
    [[], /at least one --upstream/],
    [["--upstream", "node a.js"], /no policy source/],
    [["--upstream", "node a.js", "--dashboard", "http://127.0.0.1:3000"], /needs a bridge token/],
    [["--upstream", "node a.js", "--dashboard", "http://x", "--token", "t", "--policy", "p.yaml"], /either --dashboard or --policy/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--bogus"], /Unknown option/],
    [["--upstream", "node a.js", "--upstream", "node a.js", "--policy", "p.yaml"], /two upstreams are named "a"/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--idle-timeout", "60"], /goes with --http/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:0", "--idle-timeout", "0"], /at least 1 second/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:0", "--idle-timeout", "soon"], /number of seconds/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--max-sessions", "4"], /--max-sessions goes with --http/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:0", "--max-sessions", "0"], /--max-sessions: must be at least 1/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--max-upstream-processes", "many"], /--max-upstream-processes: expected a whole number/],
    [["--upstream", "a=node a.js", "--upstream", "b=node b.js", "--policy", "p.yaml", "--max-upstream-processes", "1"], /one session needs 2 processes/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "0.0.0.0:8808"], /refusing to serve on 0.0.0.0 without authentication/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "10.0.0.5:8808", "--auth", "none"], /refusing to serve on 10.0.0.5 without authentication/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:0", "--auth", "oauth"], /--auth oauth needs --dashboard/],
    [["--upstream", "node a.js", "--policy", "p.yaml", "--auth", "oauth"], /--auth goes with --http/],
    [["--upstream", "node a.js", "--dashboard", "http://d", "--token", "t", "--http", "127.0.0.1:0", "--auth", "sso"], /--auth: expected oauth or none/],
    [["--upstream", "node a.js", "--dashboard", "http://d", "--token", "t", "--http", "0.0.0.0:8808"], /--public-url: serving on 0.0.0.0/],
    [
      ["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:0", "--public-url", "https://b.example/mcp"],
      /--public-url goes with --auth oauth/,
    ],
    [
      ["--upstream", "node a.js", "--dashboard", "http://d", "--token", "t", "--http", "127.0.0.1:0", "--auth", "oauth", "--public-url", "ftp://x/mcp"],
      /--public-url: expected an http\(s\) URL/,
    ],
    [["--upstream", "node a.js", "--dashboard", "http://d", "--token", "t", "--http", "10.0.0.5:1", "--insecure-no-auth", "--auth", "oauth"], /contradicts/],
  ])("%j is refused", (argv, message) => {
    expect(() => parseBridgeOptions(argv as string[], env)).toThrow(UsageError);
    expect(() => parseBridgeOptions(argv as string[], env)).toThrow(message);
  });

  it("takes the dashboard and token from the environment", () => {
    const options = parseBridgeOptions(["--upstream", "node a.js"], { AIRLOCK_DASHBOARD_URL: "http://127.0.0.1:3000/", AIRLOCK_BRIDGE_TOKEN: "alk_brg_x" });
    expect(options).toMatchObject({ dashboard: { url: "http://127.0.0.1:3000", token: "alk_brg_x" } });
  });

  it("closes idle HTTP sessions after 30 minutes unless told otherwise", () => {
    const base = ["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:8808"];
    expect(parseBridgeOptions(base, env)).toMatchObject({ http: { host: "127.0.0.1", port: 8808, idleTimeoutMs: 1_800_000 } });
    expect(parseBridgeOptions([...base, "--idle-timeout", "90"], env)).toMatchObject({ http: { idleTimeoutMs: 90_000 } });
  });

  it("caps HTTP sessions at 64 and upstream processes at 256 unless told otherwise", () => {
    const base = ["--upstream", "node a.js", "--policy", "p.yaml", "--http", "127.0.0.1:8808"];
    expect(parseBridgeOptions(base, env)).toMatchObject({ http: { maxSessions: 64 }, maxUpstreamProcesses: 256 });
    expect(parseBridgeOptions([...base, "--max-sessions", "3", "--max-upstream-processes", "5"], env)).toMatchObject({
      http: { maxSessions: 3 },
      maxUpstreamProcesses: 5,
    });
  });

  it("turns OAuth on by default for a dashboard bridge on a non-loopback host, and off on loopback", () => {
    const base = ["--upstream", "node a.js", "--dashboard", "http://d", "--token", "t"];
    expect(parseBridgeOptions([...base, "--http", "10.0.0.5:8808"], env)).toMatchObject({ http: { auth: "oauth" } });
    expect(parseBridgeOptions([...base, "--http", "127.0.0.1:8808"], env)).toMatchObject({ http: { auth: "none" } });
    expect(parseBridgeOptions([...base, "--http", "0.0.0.0:8808", "--public-url", "https://bridge.example/mcp"], env)).toMatchObject({
      http: { auth: "oauth", publicUrl: "https://bridge.example/mcp" },
    });
  });

  it("serves without authentication off loopback only when told so by name", () => {
    const argv = ["--upstream", "node a.js", "--policy", "p.yaml", "--http", "0.0.0.0:8808", "--insecure-no-auth"];
    expect(parseBridgeOptions(argv, env)).toMatchObject({ http: { host: "0.0.0.0", auth: "none" } });
  });
});
