import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { GRANT_META_KEY } from "../lib/grants/grant.types";

/** The header HTTP upstreams get their grant in unless configured otherwise. */
export const DEFAULT_GRANT_HEADER = "authorization";

/**
 * Takes a tools/call's grant out of `params._meta` for an HTTP upstream: the message
 * without it, and the header that carries it instead (`Authorization: Bearer <jwt>`,
 * or the bare token in a configured header). Undefined when the message has none.
 */
export function takeGrant(message: JSONRPCMessage, header: string): { message: JSONRPCMessage; header: string; value: string } | undefined {
  if (!("method" in message) || message.method !== "tools/call") return undefined;
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  const token = meta?.[GRANT_META_KEY];
  if (typeof token !== "string") return undefined;
  const { [GRANT_META_KEY]: _taken, ...rest } = meta!;
  const params = { ...message.params, _meta: rest };
  if (!Object.keys(rest).length) delete (params as { _meta?: unknown })._meta;
  const name = header.toLowerCase();
  return { message: { ...message, params } as JSONRPCMessage, header: name, value: name === "authorization" ? `Bearer ${token}` : token };
}

/**
 * A fetch for the SDK's HTTP transports (the fallbacks of the lean one) that moves a
 * tools/call's grant from the body into its header. Each POST carries one message.
 */
export function grantFetch(header: string): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    if (typeof body !== "string" || !body.includes(`"${GRANT_META_KEY}"`)) return fetch(input, init);
    const grant = takeGrant(JSON.parse(body) as JSONRPCMessage, header);
    if (!grant) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set(grant.header, grant.value);
    return fetch(input, { ...init, headers, body: JSON.stringify(grant.message) });
  };
}
