import type { Server } from "socket.io";
import { dashboardMetrics } from "./dashboard-metrics";

/** Keeps airlock_socket_clients{kind} at the number of authenticated sockets of each kind on this instance. */
export function observeSockets(io: Pick<Server, "on">): void {
  const { socketClients } = dashboardMetrics();
  io.on("connection", (socket) => {
    const kind = socket.data?.kind === "bridge" ? "bridge" : "user";
    socketClients.inc({ kind });
    socket.once("disconnect", () => socketClients.dec({ kind }));
  });
}
