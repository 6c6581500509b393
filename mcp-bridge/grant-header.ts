import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { GRANT_META_KEY } from "../lib/grants/grant.types";

/** Where an HTTP upstream's grants go: a header, and, for the default, another one when the upstream's own credentials hold the first. */
export interface GrantHeader {
  name: string;
  fallback?: string;
}

/**
 * `Authorization: Bearer <jwt>`, unless the upstream's credentials (configured on the dashboard
 * or in --secrets) are in `Authorization`: then the credential keeps it and the grant goes in
 * `X-Airlock-Grant`. A header named with --grant-header has no such fallback.
 */
export const DEFAULT_GRANT_HEADER: GrantHeader = { name: "authorization", fallback: "x-airlock-grant" };

/** The header a grant goes in, given the upstream's credentials; refuses rather than let one replace the other. */
export function grantHeaderFor(header: GrantHeader, credentials: Record<string, string>): string {
  const taken = new Set(Object.keys(credentials).map((name) => name.toLowerCase()));
  if (!taken.has(header.name)) return header.name;
  if (header.fallback && !taken.has(header.fallback)) return header.fallback;
  throw new Error(
    `the upstream's credentials use the ${header.name} header that its grants would travel in; give the grants another one (--grant-header NAME=X-Airlock-Grant)`,
  );
}

/**
 * Takes a tools/call's grant out of `params._meta` for an HTTP upstream: the message
 * without it, and the header that carries it instead (`Authorization: Bearer <jwt>`,
 * or the bare token in another header). Undefined when the message has none.
 */
export function takeGrant(
  message: JSONRPCMessage,
  header: GrantHeader,
  credentials: Record<string, string> = {},
): { message: JSONRPCMessage; header: string; value: string } | undefined {
  if (!("method" in message) || message.method !== "tools/call") return undefined;
  const meta = message.params?._meta as Record<string, unknown> | undefined;
  const token = meta?.[GRANT_META_KEY];
  if (typeof token !== "string") return undefined;
  const name = grantHeaderFor(header, credentials);
  const { [GRANT_META_KEY]: _taken, ...rest } = meta!;
  const params = { ...message.params, _meta: rest };
  if (!Object.keys(rest).length) delete (params as { _meta?: unknown })._meta;
  return { message: { ...message, params } as JSONRPCMessage, header: name, value: name === "authorization" ? `Bearer ${token}` : token };
}

/**
 * A fetch for the SDK's HTTP transports (the fallbacks of the lean one) that moves a
 * tools/call's grant from the body into its header. Each POST carries one message.
 */
export function grantFetch(header: GrantHeader, credentials: () => Record<string, string> = () => ({}), base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const body = init?.body;
    if (typeof body !== "string" || !body.includes(`"${GRANT_META_KEY}"`)) return base(input, init);
    const grant = takeGrant(JSON.parse(body) as JSONRPCMessage, header, credentials());
    if (!grant) return base(input, init);
    const headers = new Headers(init?.headers);
    headers.set(grant.header, grant.value);
    return base(input, { ...init, headers, body: JSON.stringify(grant.message) });
  };
}
