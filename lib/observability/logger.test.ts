import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, parseLogSettings, type TLogLevel } from "./logger";
import { runWithRequestContext } from "./request-context";

/** A JSON logger writing into an array of parsed lines. */
function jsonLogger(level = "info") {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ service: "airlock-test", format: "json", level, writeText: () => {}, destination });
  return { logger, lines };
}

describe("createLogger", () => {
  it("json: one object per line with time, level, msg, service, the request's id and the context", () => {
    const { logger, lines } = jsonLogger();
    runWithRequestContext({ requestId: "req-1" }, () => logger.info("bridge api request", { route: "/api/bridge/audit", status: 202 }));
    logger.error("sweep failed", new Error("database is locked"));
    expect(lines).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        level: "info",
        service: "airlock-test",
        requestId: "req-1",
        route: "/api/bridge/audit",
        status: 202,
        msg: "bridge api request",
      },
      {
        time: expect.any(String),
        level: "error",
        service: "airlock-test",
        err: expect.objectContaining({ type: "Error", message: "database is locked" }),
        msg: "sweep failed",
      },
    ]);
  });

  it("json: below the level nothing is written", () => {
    const { logger, lines } = jsonLogger("warn");
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    expect(lines.map((l) => l.msg)).toEqual(["c"]);
  });

  it("text: the process's own lines, debug only when asked for", () => {
    const written: [TLogLevel, string, unknown][] = [];
    const logger = createLogger({
      service: "airlock-test",
      format: "text",
      level: "info",
      writeText: (level, message, error) => written.push([level, message, error]),
    });
    const problem = new Error("boom");
    logger.debug("hidden", { a: 1 });
    logger.info("ready", { port: 3000 });
    logger.error("failed", problem);
    expect(written).toEqual([
      ["info", "ready", undefined],
      ["error", "failed", problem],
    ]);
  });
});

describe("parseLogSettings", () => {
  it("defaults to text at info", () => {
    expect(parseLogSettings({})).toEqual({ format: "text", level: "info" });
  });

  it.each([
    [{ AIRLOCK_LOG_FORMAT: "yaml" }, /AIRLOCK_LOG_FORMAT/],
    [{ AIRLOCK_LOG_LEVEL: "verbose" }, /AIRLOCK_LOG_LEVEL/],
  ])("refuses %j", (env, message) => {
    expect(() => parseLogSettings(env)).toThrow(message);
  });
});
