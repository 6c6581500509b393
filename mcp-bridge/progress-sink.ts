import type { Progress, ProgressToken, ServerNotification } from "@modelcontextprotocol/sdk/types.js";
import type { ProgressSink } from "./call-context";

/**
 * Progress for one client request, or undefined when the client sent no token.
 * The "still waiting for a reviewer" beats and the upstream's own progress
 * share one token, so the upstream's numbers are shifted past the beats: MCP
 * requires progress to increase with every notification.
 */
export function createProgressSink(send: (notification: ServerNotification) => Promise<void>, token: ProgressToken | undefined): ProgressSink | undefined {
  if (token === undefined) return undefined;
  let last = 0;
  let hasSent = false;
  let base: number | null = null;
  const notify = (progress: number, total?: number, message?: string) => {
    last = progress;
    hasSent = true;
    const params = { progressToken: token, progress, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) };
    // A client that went away cannot be told anything; the call itself notices through its signal.
    send({ method: "notifications/progress", params }).catch(() => undefined);
  };
  return {
    waiting: (message) => notify(last + 1, undefined, message),
    relay: (upstream: Progress) => {
      base ??= last;
      const progress = base + upstream.progress;
      if (hasSent && progress <= last) return;
      notify(progress, upstream.total === undefined ? undefined : base + upstream.total, upstream.message);
    },
  };
}
