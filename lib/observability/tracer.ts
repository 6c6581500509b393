import { type Attributes, type Span, SpanStatusCode, trace } from "@opentelemetry/api";

/** The attribute that carries a held call's approval id on every span of its path. */
export const APPROVAL_ID_ATTRIBUTE = "airlock.approval_id";

/** Airlock's tracer: a no-op until startTracing registered a provider. */
export const tracer = () => trace.getTracer("airlock");

/** Runs `work` in a new active span (a child of the current one); an error marks the span and is rethrown. */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Names the approval on the current span (the request's server span, or the span around its database work). */
export function annotateApproval(approvalId: string): void {
  trace.getActiveSpan()?.setAttribute(APPROVAL_ID_ATTRIBUTE, approvalId);
}
