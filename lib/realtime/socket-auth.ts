import { parse as parseCookie } from "cookie";
import { decode } from "next-auth/jwt";
import type { Socket } from "socket.io";
import { can } from "../auth/roles";
import { findSessionUser } from "../auth/session-user";
import { parseInstance } from "../bridges/bridge-presence";
import { authenticateBridge } from "../bridges/bridge-tokens";
import { classifyRequestOrigin } from "../security/request-origin";
import { bridgeRoom, ROOM_BRIDGES, ROOM_REVIEWERS, type SocketData } from "./events";

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** Who a socket is: a bridge (token in `auth`) or a signed-in user (next-auth cookie); null to refuse. */
export async function authenticateSocket(socket: Socket, secret: string): Promise<SocketData | null> {
  const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === "string") {
    const bridge = await authenticateBridge(token);
    const instance = parseInstance((socket.handshake.auth as { instance?: unknown }).instance);
    return bridge ? { kind: "bridge", bridgeId: bridge.id, ...(instance ? { bridgeInstance: instance } : {}) } : null;
  }
  const headers = socket.request.headers;
  // A cookie-authenticated socket must come from our own pages (cross-site WebSocket
  // hijacking): a foreign Origin, or `Origin: null`, is refused.
  if (classifyRequestOrigin({ origin: headers.origin, host: headers.host }) === "foreign") return null;
  const cookies = parseCookie(headers.cookie ?? "");
  const raw = SESSION_COOKIES.map((name) => cookies[name]).find(Boolean);
  if (!raw) return null;
  const jwt = await decode({ token: raw, secret }).catch(() => null);
  const sessionVersion = typeof jwt?.sv === "number" ? jwt.sv : undefined;
  const user = jwt?.sub ? await findSessionUser({ userId: jwt.sub, sessionVersion }) : null;
  if (!user || !can(user.role, "approvals:read")) return null;
  return { kind: "user", userId: user.id, role: user.role, sessionVersion };
}

/** The rooms a socket may listen in, by what it is. */
export function roomsFor(data: SocketData): string[] {
  if (data.kind === "bridge" && data.bridgeId) return [bridgeRoom(data.bridgeId), ROOM_BRIDGES];
  if (data.kind === "user" && data.role && can(data.role, "approvals:read")) return [ROOM_REVIEWERS];
  return [];
}
