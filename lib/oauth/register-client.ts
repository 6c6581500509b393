import { randomBytes } from "node:crypto";
import { isClusterMode } from "../cluster/cluster-mode";
import { takeSharedWindow } from "../cluster/shared-rate-limits";
import { db } from "../db/prisma";
import { DEFAULT_SCOPE, type TRegisterClient } from "./oauth.types";
import { OAuthError } from "./oauth-error";

/** Registrations one client address may make per window, and how many clients may exist at all. */
const PER_ADDRESS_LIMIT = 20;
const WINDOW_MS = 10 * 60_000;
export const MAX_CLIENTS = 10_000;

// Registration is open to anyone who can reach the dashboard (that is what dynamic
// registration is for): an address is held to a few a window, and the table to a cap.
// In cluster mode the window is counted in Redis, across every instance.
const globalForLimit = globalThis as unknown as { __airlockOAuthRegistrations?: Map<string, number[]> };
globalForLimit.__airlockOAuthRegistrations ??= new Map();
const recent = globalForLimit.__airlockOAuthRegistrations;

function allowRegistration(address: string, now: number): boolean {
  const times = (recent.get(address) ?? []).filter((t) => now - t < WINDOW_MS);
  if (times.length >= PER_ADDRESS_LIMIT) return false;
  times.push(now);
  recent.set(address, times);
  if (recent.size > 10_000) recent.delete(recent.keys().next().value!);
  return true;
}

export interface RegisterClientOptions {
  input: TRegisterClient;
  /** The caller's address (set by the custom server from the socket), for the rate limit. */
  address: string;
}

/** RFC 7591 dynamic client registration of a public client; answers the registration response (§3.2.1). */
export async function registerClient({ input, address }: RegisterClientOptions) {
  const isAllowed = isClusterMode()
    ? await takeSharedWindow({ kind: "oauth-registrations", parts: [address], limit: PER_ADDRESS_LIMIT, windowMs: WINDOW_MS })
    : allowRegistration(address, Date.now());
  if (!isAllowed) {
    throw new OAuthError("temporarily_unavailable", `too many registrations from this address; at most ${PER_ADDRESS_LIMIT} in ${WINDOW_MS / 60_000} minutes`);
  }
  if ((await db.oAuthClient.count()) >= MAX_CLIENTS) {
    throw new OAuthError("temporarily_unavailable", "the dashboard holds as many OAuth clients as it allows; an admin must remove some");
  }
  const clientId = `alk_cli_${randomBytes(18).toString("base64url")}`;
  const name = input.client_name ?? "Unnamed MCP client";
  const client = await db.oAuthClient.create({ data: { clientId, name, redirectUris: input.redirect_uris } });
  return {
    client_id: clientId,
    client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
    client_name: name,
    redirect_uris: input.redirect_uris,
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    scope: DEFAULT_SCOPE,
  };
}

/** A registered client by its client_id, or null. */
export async function findClient(clientId: string) {
  const client = await db.oAuthClient.findUnique({ where: { clientId } });
  if (!client) return null;
  return { ...client, redirectUris: (client.redirectUris as string[]) ?? [] };
}
