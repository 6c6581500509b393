"use client";

import type { TConnection } from "./use-airlock-socket";

export function ConnectionIndicator({ connection }: { connection: TConnection }) {
  const isLive = connection === "live";
  return (
    <span className="inline-flex items-center gap-2 text-sm text-slate-600" role="status">
      <span aria-hidden className={`h-2.5 w-2.5 rounded-full ${isLive ? "bg-green-600" : "bg-amber-500"}`} />
      {isLive ? "Live" : connection === "connecting" ? "Connecting…" : "Reconnecting…"}
    </span>
  );
}
