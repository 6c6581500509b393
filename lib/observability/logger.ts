import pino from "pino";
import { currentRequestContext } from "./request-context";

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type TLogLevel = (typeof LOG_LEVELS)[number];

/** Facts about what happened: ids, counts, durations. Never secrets, tokens, tool arguments or results. */
export type LogContext = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, error?: unknown, context?: LogContext): void;
  error(message: string, error?: unknown, context?: LogContext): void;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** `airlock-dashboard` or `airlock-bridge`: the `service` field of JSON lines. */
  service: string;
  /** Writes a line of the human-readable format (the default): each process keeps the lines it always printed. */
  writeText: (level: TLogLevel, message: string, error?: unknown) => void;
  /** `json`: one JSON object per line on stderr. Defaults to AIRLOCK_LOG_FORMAT. */
  format?: string;
  /** The least severe level written. Defaults to AIRLOCK_LOG_LEVEL, else `info`. */
  level?: string;
  /** Where JSON lines go (tests); stderr by default. */
  destination?: pino.DestinationStream;
}

/** Reads AIRLOCK_LOG_FORMAT and AIRLOCK_LOG_LEVEL; a bad value stops the start with its reason. */
export function parseLogSettings(env: Record<string, string | undefined> = process.env): { format: "text" | "json"; level: TLogLevel } {
  const format = env.AIRLOCK_LOG_FORMAT?.trim() || "text";
  if (format !== "text" && format !== "json") throw new Error(`AIRLOCK_LOG_FORMAT must be "text" or "json", not "${format}"`);
  const level = env.AIRLOCK_LOG_LEVEL?.trim() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`AIRLOCK_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not "${level}"`);
  return { format, level: level as TLogLevel };
}

/**
 * A logger with two formats. `text` (the default) writes the lines an operator reads in a
 * terminal, as before; `json` writes one object per line (time, level, msg, service,
 * requestId while a request is served, then the context) for a log pipeline. pino writes
 * JSON synchronously to the file descriptor: a crash loses no line.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = parseLogSettings({
    AIRLOCK_LOG_FORMAT: options.format ?? process.env.AIRLOCK_LOG_FORMAT,
    AIRLOCK_LOG_LEVEL: options.level ?? process.env.AIRLOCK_LOG_LEVEL,
  });
  const threshold = LOG_LEVELS.indexOf(settings.level);
  const isOn = (level: TLogLevel) => LOG_LEVELS.indexOf(level) >= threshold;
  if (settings.format === "text") {
    const text = (level: TLogLevel) => (message: string, error?: unknown) => {
      if (isOn(level)) options.writeText(level, message, error);
    };
    const debug = text("debug");
    const info = text("info");
    // The text lines say what happened; the context is for JSON lines.
    return { debug: (message) => debug(message), info: (message) => info(message), warn: text("warn"), error: text("error") };
  }
  const json = pino(
    {
      level: settings.level,
      base: { service: options.service },
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const request = currentRequestContext();
        return request ? { requestId: request.requestId } : {};
      },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
  const withError = (level: "warn" | "error") => (message: string, error?: unknown, context?: LogContext) => {
    if (error === undefined) json[level]({ ...context }, message);
    else json[level]({ ...context, err: error instanceof Error ? error : { message: String(error) } }, message);
  };
  return {
    debug: (message, context) => json.debug({ ...context }, message),
    info: (message, context) => json.info({ ...context }, message),
    warn: withError("warn"),
    error: withError("error"),
  };
}
