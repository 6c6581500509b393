"use client";

import { useEffect, useState } from "react";

function format(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "3m 12s ago" or "in 4m 02s", ticking every second. */
export function RelativeTime({ iso, mode }: { iso: string; mode: "ago" | "left" }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const at = Date.parse(iso);
  if (now === null) return <time dateTime={iso}>{new Date(at).toISOString().slice(11, 19)} UTC</time>;
  const diff = at - now;
  const text = mode === "ago" ? `${format(diff)} ago` : diff > 0 ? `${format(diff)} left` : "deadline passed";
  return (
    <time dateTime={iso} title={new Date(at).toLocaleString()}>
      {text}
    </time>
  );
}
