"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ApprovalSummary } from "@/lib/realtime/events";

const BASE_TITLE = "Airlock";

/** The favicon with the pending count on it, drawn on a canvas (a data: URL the CSP allows). */
function badgeIcon(count: number): string | null {
  const canvas = document.createElement("canvas");
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  ctx.fillStyle = "#2f3fa8";
  ctx.beginPath();
  ctx.roundRect(4, 4, 56, 56, 14);
  ctx.fill();
  ctx.fillStyle = "#dc2626";
  ctx.beginPath();
  ctx.arc(44, 20, 20, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = "#ffffff";
  ctx.font = "bold 26px sans-serif";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillText(count > 99 ? "99" : String(count), 44, 21);
  return canvas.toDataURL("image/png");
}

function setFavicon(href: string) {
  let link = document.querySelector<HTMLLinkElement>("link[rel='icon'][data-airlock-badge]");
  if (!link) {
    link = document.createElement("link");
    link.rel = "icon";
    link.dataset.airlockBadge = "1";
    document.head.appendChild(link);
  }
  link.href = href;
}

export type NotificationState = "unsupported" | "default" | "granted" | "denied";

/**
 * While the queue is open: the pending count in the tab's title and favicon,
 * and a browser notification for each request that arrives while the tab is
 * hidden (once the reviewer allowed them). Clicking one opens the request.
 */
export function usePendingAlerts(count: number) {
  const [permission, setPermission] = useState<NotificationState>("unsupported");
  const shown = useRef(new Set<string>());

  useEffect(() => {
    setPermission(typeof Notification === "undefined" ? "unsupported" : Notification.permission);
  }, []);

  useEffect(() => {
    document.title = count > 0 ? `(${count}) ${BASE_TITLE}` : BASE_TITLE;
    const icon = count > 0 ? badgeIcon(count) : "/favicon.svg";
    if (icon) setFavicon(icon);
  }, [count]);

  useEffect(
    () => () => {
      document.title = BASE_TITLE;
      setFavicon("/favicon.svg");
    },
    [],
  );

  const requestPermission = useCallback(async () => {
    if (typeof Notification === "undefined") return;
    setPermission(await Notification.requestPermission());
  }, []);

  const notify = useCallback((a: ApprovalSummary) => {
    if (typeof Notification === "undefined" || Notification.permission !== "granted" || !document.hidden) return;
    if (shown.current.has(a.id)) return;
    shown.current.add(a.id);
    const args = a.keyArguments.map((k) => `${k.name}: ${k.value}`).join("\n");
    const notification = new Notification(`Held: ${a.tool} on ${a.server}`, {
      body: [args, a.principal ? `on behalf of ${a.principal}` : ""].filter(Boolean).join("\n"),
      tag: `airlock-${a.id}`,
    });
    notification.onclick = () => {
      window.focus();
      window.location.assign(`/approvals/${a.id}`);
      notification.close();
    };
  }, []);

  return { permission, requestPermission, notify };
}
