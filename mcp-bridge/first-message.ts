import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ClientCapabilities, JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * What the bridge tells an upstream it can do as a client: exactly what its own
 * client declared for the requests a server may send (sampling, elicitation,
 * roots), so an upstream behaves through the bridge as it would directly.
 */
export function mirroredCapabilities(client: ClientCapabilities | undefined): ClientCapabilities {
  const { sampling, elicitation, roots } = client ?? {};
  return { ...(sampling ? { sampling } : {}), ...(elicitation ? { elicitation } : {}), ...(roots ? { roots } : {}) };
}

/** The capabilities in an initialize request, or undefined for any other message. */
export function initializeCapabilities(message: unknown): ClientCapabilities | undefined {
  const messages = Array.isArray(message) ? message : [message];
  const init = messages.find((m) => typeof m === "object" && m !== null && (m as { method?: unknown }).method === "initialize") as
    | { params?: { capabilities?: ClientCapabilities } }
    | undefined;
  return init ? (init.params?.capabilities ?? {}) : undefined;
}

/**
 * Starts a transport and waits for the client's first message (its initialize
 * request), so the bridge can connect its upstreams with the client's
 * capabilities before a Server answers. Returns a transport that replays that
 * message, and anything that arrived meanwhile, to whoever connects to it next.
 */
export async function readFirstMessage(transport: Transport): Promise<{ first: JSONRPCMessage; transport: Transport }> {
  const early: JSONRPCMessage[] = [];
  let resolveFirst!: (message: JSONRPCMessage) => void;
  let rejectFirst!: (error: Error) => void;
  const firstMessage = new Promise<JSONRPCMessage>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  transport.onmessage = (message) => {
    early.push(message);
    if (early.length === 1) resolveFirst(message);
  };
  transport.onclose = () => rejectFirst(new Error("the client closed the connection before initializing"));
  await transport.start();
  const first = await firstMessage;

  const replaying: Transport = {
    // The Server has set its handlers by the time it calls start: hand over, then replay in order.
    async start() {
      transport.onmessage = (message, extra) => replaying.onmessage?.(message, extra);
      transport.onclose = () => replaying.onclose?.();
      transport.onerror = (error) => replaying.onerror?.(error);
      for (const message of early.splice(0)) replaying.onmessage?.(message);
    },
    send: (message, options) => transport.send(message, options),
    close: () => transport.close(),
  };
  return { first, transport: replaying };
}
