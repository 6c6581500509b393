import { type Attributes, context, propagation, ROOT_CONTEXT, type Span, SpanStatusCode, trace } from "@opentelemetry/api";

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

/** The current span's W3C traceparent, or null when tracing is off (nothing recording, no propagator registered). */
export function currentTraceParent(): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/**
 * Links the current span to another trace (a reviewer's decision to the held call it decides): the two
 * are separate requests, so neither is the other's parent, but a tracing backend follows the link.
 */
export function linkToTrace(traceParent: string | null): void {
  const span = trace.getActiveSpan();
  if (!traceParent || !span?.isRecording()) return;
  const linked = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent: traceParent }));
  if (linked && trace.isSpanContextValid(linked)) span.addLink({ context: linked, attributes: { "airlock.link": "held_call" } });
}
