import { getIo } from "./hub";

/** Closes the sockets a user opened with a session that has just ended (no-op outside the server, e.g. the CLI). */
export async function disconnectUserSockets(userId: string): Promise<void> {
  const io = getIo();
  if (!io) return;
  for (const socket of await io.fetchSockets()) {
    if (socket.data.kind === "user" && socket.data.userId === userId) socket.disconnect(true);
  }
}

/** Closes a bridge's sockets (its token was revoked): its instances must reconnect, and cannot. */
export async function disconnectBridgeSockets(bridgeId: string): Promise<void> {
  const io = getIo();
  if (!io) return;
  for (const socket of await io.fetchSockets()) {
    if (socket.data.kind === "bridge" && socket.data.bridgeId === bridgeId) socket.disconnect(true);
  }
}
