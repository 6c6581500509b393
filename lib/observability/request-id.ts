import { randomUUID } from "node:crypto";

export const REQUEST_ID_HEADER = "x-request-id";

/** Short and plain: a request id is copied into log lines and answers, so nothing else may ride in it. */
const VALID_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The caller's X-Request-Id when it is short and plain, else a new one (a bad one is replaced, not echoed). */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && VALID_REQUEST_ID.test(value) ? value : randomUUID();
}
