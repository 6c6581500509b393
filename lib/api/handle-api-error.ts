import { ZodError } from "zod";
import { isDatabaseUnavailable, isExpiredTransaction, isUniqueViolation } from "../db/database-errors";
import { resetDatabaseClient } from "../db/prisma";
import { AppError, fromZodError } from "../errors/app-error";
import { dashboardLog } from "../observability/dashboard-log";

export function errorResponse(error: AppError): Response {
  return Response.json({ error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } }, { status: error.status });
}

/**
 * Maps any thrown value to the AppError the client is told, for routes and socket events
 * alike. A database failure reopens the client (a failed write can leave it wedged, a
 * transaction lock never released) and is a 503; a transaction that only ran past its
 * timeout is a 503 without the reopening; unknown errors are logged and become a
 * generic 500, never a stack trace.
 */
export function toAppError(error: unknown, where = "body"): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZodError(error, where);
  if (isDatabaseUnavailable(error)) {
    const reason = String((error as Error)?.message ?? error)
      .split("\n")
      .filter(Boolean)
      .at(-1);
    if (!isExpiredTransaction(error)) resetDatabaseClient(`a request failed: ${reason}`);
    return new AppError("unavailable", { message: "the database is unavailable; nothing was changed, try again shortly" });
  }
  if (isUniqueViolation(error)) return new AppError("conflict", { message: "a record with these values already exists" });
  dashboardLog().error("unhandled error", error);
  return new AppError("internal", { message: "internal error" });
}

/** Maps any thrown value to the API's JSON error (see toAppError). */
export function handleApiError(error: unknown): Response {
  return errorResponse(toAppError(error));
}

/**
 * Only `application/json` is read as JSON. A page on another site can send
 * `text/plain` or a form without a CORS preflight, but never `application/json`,
 * so this check keeps every body-taking route out of reach of such requests.
 */
export function assertJsonContentType(req: Request): void {
  const mediaType = req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/json") {
    throw new AppError("unsupported_media_type", { message: "the body must be sent as content-type: application/json" });
  }
}

/** Parses a JSON body with a zod schema: not application/json is a 415, bad JSON a 400, a bad shape a 422 naming the field. */
export async function parseJsonBody<T>(req: Request, schema: { parse(value: unknown): T }, maxBytes = 1_000_000): Promise<T> {
  assertJsonContentType(req);
  const text = await req.text();
  if (text.length > maxBytes) throw new AppError("payload_too_large", { message: `body larger than ${maxBytes} bytes` });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError("bad_request", { message: "body is not valid JSON" });
  }
  try {
    return schema.parse(value);
  } catch (error) {
    if (error instanceof ZodError) throw fromZodError(error);
    throw error;
  }
}
