import type { ZodError } from "zod";

/** Error codes and the HTTP status each maps to; the one table for the whole API. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_input: 422,
  unavailable: 503,
  internal: 500,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: TErrorCode;
  readonly details?: unknown;

  constructor(code: TErrorCode, options: { message: string; details?: unknown }) {
    super(options.message);
    this.code = code;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A zod failure as an AppError: 422 naming each bad field by its path. */
export function fromZodError(error: ZodError, where = "body"): AppError {
  const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = issues[0];
  const message = first ? `${where}${first.path ? `.${first.path}` : ""}: ${first.message}` : `invalid ${where}`;
  return new AppError("invalid_input", { message, details: issues });
}
