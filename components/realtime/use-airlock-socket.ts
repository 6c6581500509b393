"use client";

import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/realtime/events";

type AirlockSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type TConnection = "connecting" | "live" | "reconnecting";

type SocketHandlers = Partial<ServerToClientEvents> & {
  /** The socket joined, first time or again: events missed before this moment must be fetched. */
  connect?: () => void;
};

/** One socket.io connection for the page (the session cookie authenticates it); handlers see the latest props. */
export function useAirlockSocket(handlers: SocketHandlers): TConnection {
  const [connection, setConnection] = useState<TConnection>("connecting");
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    const socket: AirlockSocket = io({ transports: ["websocket"] });
    socket.on("connect", () => {
      setConnection("live");
      latest.current.connect?.();
    });
    socket.on("disconnect", () => setConnection("reconnecting"));
    socket.on("connect_error", () => setConnection("reconnecting"));
    socket.on("approval:created", (a) => latest.current["approval:created"]?.(a));
    socket.on("approval:updated", (s) => latest.current["approval:updated"]?.(s));
    socket.on("alert:created", (a) => latest.current["alert:created"]?.(a));
    return () => {
      socket.close();
    };
  }, []);
  return connection;
}
