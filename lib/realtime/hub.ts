import type { Server } from "socket.io";
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from "./events";

export type AirlockIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

// The custom server (server.ts) owns the socket.io instance; route handlers run
// in Next's bundles within the same process and reach it through globalThis.
const globalForIo = globalThis as unknown as { __airlockIo?: AirlockIo };

export function setIo(io: AirlockIo | undefined): void {
  globalForIo.__airlockIo = io;
}

/** The socket.io server, or undefined when none runs (CLI, unit tests): events are then dropped. */
export function getIo(): AirlockIo | undefined {
  return globalForIo.__airlockIo;
}
