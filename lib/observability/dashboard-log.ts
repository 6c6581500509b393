import { createLogger, type Logger } from "./logger";

// One logger per process, kept on globalThis: route handlers in Next's bundles and the custom
// server load this module separately.
const globalForLog = globalThis as unknown as { __airlockLog?: Logger };

/** The dashboard's log: `[airlock] …` lines (info on stdout, problems with their stack on stderr), or JSON lines on stderr. */
export function dashboardLog(): Logger {
  globalForLog.__airlockLog ??= createLogger({
    service: "airlock-dashboard",
    writeText: (level, message, error) => {
      const line = `[airlock] ${message}`;
      if (level === "debug" || level === "info") console.log(line);
      else if (error === undefined) console.error(line);
      else console.error(line, error);
    },
  });
  return globalForLog.__airlockLog;
}
