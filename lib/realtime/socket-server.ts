import type { Server as HttpServer } from "node:http";
import { Server } from "socket.io";
import { getApprovalState } from "../approvals/get-approval-state";
import { findSessionUser } from "../auth/session-user";
import { onBridgeSocketConnected, onBridgeSocketDisconnected } from "../bridges/bridge-presence";
import { db } from "../db/prisma";
import { dashboardLog } from "../observability/dashboard-log";
import type { AirlockIo } from "./hub";
import { authenticateSocket, roomsFor } from "./socket-auth";
import { decideOverSocket } from "./socket-decision";

const REVALIDATE_MS = 60_000;

/** Attaches socket.io to the HTTP server: every socket is authenticated and joined only to the rooms its role allows. */
export function createSocketServer(httpServer: HttpServer, secret: string): AirlockIo {
  const io: AirlockIo = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 1_000_000 });

  io.use(async (socket, next) => {
    try {
      const data = await authenticateSocket(socket, secret);
      if (!data) return next(new Error("unauthorized"));
      socket.data = data;
      await socket.join(roomsFor(data));
      next();
    } catch (error) {
      dashboardLog().error("socket authentication failed", error);
      next(new Error("unauthorized"));
    }
  });

  io.on("connection", (socket) => {
    const instance = socket.data.kind === "bridge" ? socket.data.bridgeInstance : undefined;
    if (instance) {
      onBridgeSocketConnected(instance, socket.data.bridgeId);
      socket.on("disconnect", () => onBridgeSocketDisconnected(instance));
    }

    socket.on("approval:decide", async (payload, ack) => {
      if (typeof ack !== "function") return;
      ack(await decideOverSocket(socket.data, payload));
    });

    socket.on("bridge:policy", async (report) => {
      // Only a bridge reports, and only about itself.
      const bridgeId = socket.data.kind === "bridge" ? socket.data.bridgeId : undefined;
      const version = Number(report?.version);
      if (!bridgeId || !Number.isInteger(version) || version < 1) return;
      await db.bridge.update({ where: { id: bridgeId }, data: { enforcedPolicyVersion: version, enforcedAt: new Date() } }).catch((error) => {
        dashboardLog().error("could not record a bridge's policy version", error);
      });
    });

    socket.on("approval:watch", async (ids, ack) => {
      // Re-checked per event: only a bridge may ask, and only about its own requests.
      if (typeof ack !== "function") return;
      if (socket.data.kind !== "bridge" || !socket.data.bridgeId || !Array.isArray(ids)) return ack([]);
      const states = [];
      for (const id of ids.slice(0, 100)) {
        if (typeof id !== "string") continue;
        try {
          states.push(await getApprovalState({ bridgeId: socket.data.bridgeId, approvalId: id }));
        } catch {
          // Unknown or foreign ids are simply not reported.
        }
      }
      ack(states);
    });
  });

  // A user disabled, removed or signed out after connecting (elsewhere: the CLI, another
  // instance) stops receiving events within a minute; this process closes such sockets at once.
  // Only this instance's own sockets: every instance walks its own (io.fetchSockets would ask the whole cluster).
  const timer = setInterval(async () => {
    for (const socket of await io.local.fetchSockets()) {
      if (socket.data.kind !== "user" || !socket.data.userId) continue;
      const user = await findSessionUser({ userId: socket.data.userId, sessionVersion: socket.data.sessionVersion }).catch(() => null);
      if (!user || user.role !== socket.data.role) socket.disconnect(true);
    }
  }, REVALIDATE_MS);
  timer.unref();
  io.engine.on("close", () => clearInterval(timer));
  return io;
}
