import { getIo } from "./hub";

/** Closes the sockets a user opened with a session that has just ended (no-op outside the server, e.g. the CLI). */
export async function disconnectUserSockets(userId: string): Promise<void> {
  const io = getIo();
  if (!io) return;
  for (const socket of await io.fetchSockets()) {
    if (socket.data.kind === "user" && socket.data.userId === userId) socket.disconnect(true);
  }
}
