import type { SpanExporter } from "@opentelemetry/sdk-trace-node";

/** Tracing as started: `shutdown` sends the spans still buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/** Options for {@link startTracing}. */
export interface StartTracingOptions {
  /** `service.name` unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) says otherwise. */
  serviceName: string;
  env?: NodeJS.ProcessEnv;
}

/** Whether the OTEL_* variables ask for traces: an OTLP endpoint is set and the SDK or the traces exporter is not switched off. */
export function isTracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  if (env.OTEL_TRACES_EXPORTER?.trim() === "none") return false;
  return !!(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

async function exporterFor(env: NodeJS.ProcessEnv): Promise<SpanExporter> {
  // The OTLP default is protobuf over HTTP; gRPC is not bundled (one transport fewer to ship and keep safe).
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf").trim();
  if (protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();
  if (protocol === "http/protobuf") return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported (use http/protobuf or http/json)`);
}

/**
 * Starts the OpenTelemetry SDK when the standard variables configure an OTLP endpoint, else
 * does nothing: the code calls only `@opentelemetry/api`, whose spans are then no-ops, and the
 * SDK is never loaded. The exporter reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS,
 * _TIMEOUT and _COMPRESSION itself; the sampler OTEL_TRACES_SAMPLER(_ARG); the batch
 * processor OTEL_BSP_*. Contexts travel as W3C traceparent.
 */
export async function startTracing({ serviceName, env = process.env }: StartTracingOptions): Promise<Tracing | null> {
  if (!isTracingConfigured(env)) return null;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { defaultResource, detectResources, envDetector, resourceFromAttributes }] = await Promise.all([
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/resources"),
  ]);
  const resource = defaultResource()
    .merge(resourceFromAttributes({ "service.name": serviceName }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(await exporterFor(env))] });
  // Sets the global tracer provider, the AsyncLocalStorage context manager and the W3C propagators.
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
