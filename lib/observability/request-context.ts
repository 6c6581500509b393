import { AsyncLocalStorage } from "node:async_hooks";

/** What a log line written while serving a request says about that request. */
export interface RequestContext {
  requestId: string;
}

// One store per process: route handlers run in Next's bundles, the custom server outside
// them, and both must see the same request (the module may be loaded twice).
const globalForContext = globalThis as unknown as { __airlockRequestContext?: AsyncLocalStorage<RequestContext> };
globalForContext.__airlockRequestContext ??= new AsyncLocalStorage<RequestContext>();
const storage = globalForContext.__airlockRequestContext;

/** Runs `work` with `context` as the current request's (log lines written meanwhile carry its id). */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The request being served, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
