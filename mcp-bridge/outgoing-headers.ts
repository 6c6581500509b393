import { randomUUID } from "node:crypto";
import { context, propagation } from "@opentelemetry/api";

/**
 * Headers every request to the dashboard carries: a request id the dashboard logs its work
 * under (and returns), and, while a traced held call is active, its W3C traceparent. With no
 * tracing configured the propagator is a no-op and adds nothing.
 */
export function outgoingHeaders(): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": randomUUID() };
  propagation.inject(context.active(), headers);
  return headers;
}
