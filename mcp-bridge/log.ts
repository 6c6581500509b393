import { createLogger, type LogContext, type Logger } from "../lib/observability/logger";

let logger: Logger | undefined;

// The bridge's stdout is the MCP channel: every diagnostic goes to stderr, as `[airlock-bridge] …`
// lines, or with AIRLOCK_LOG_FORMAT=json one JSON object per line.
function bridgeLog(): Logger {
  logger ??= createLogger({
    service: "airlock-bridge",
    writeText: (_level, text, problem) => {
      const detail = problem === undefined ? "" : `: ${problem instanceof Error ? problem.message : String(problem)}`;
      process.stderr.write(`[airlock-bridge] ${text}${detail}\n`);
    },
  });
  return logger;
}

export function log(message: string, error?: unknown): void {
  if (error === undefined) bridgeLog().info(message);
  else bridgeLog().warn(message, error);
}

/** Written only with AIRLOCK_LOG_LEVEL=debug (e.g. each request to the dashboard with its request id). */
export function logDebug(message: string, context: LogContext): void {
  bridgeLog().debug(message, context);
}
