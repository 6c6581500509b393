"use client";

import { useEffect, useState } from "react";
import { BUTTON_SECONDARY } from "@/components/ui/field";
import { sendJson } from "@/components/ui/send-json";

function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

type State = "unsupported" | "denied" | "off" | "on" | "busy";

/** "Turn on push notifications": registers public/sw.js, subscribes this browser and gives the subscription to the dashboard. */
export function PushControl() {
  const [state, setState] = useState<State>("busy");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      setState("unsupported");
      return;
    }
    if (Notification.permission === "denied") {
      setState("denied");
      return;
    }
    navigator.serviceWorker
      .getRegistration("/")
      .then((reg) => reg?.pushManager.getSubscription())
      .then((sub) => setState(sub ? "on" : "off"))
      .catch(() => setState("off"));
  }, []);

  async function turnOn() {
    setState("busy");
    setError(null);
    try {
      const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      await navigator.serviceWorker.ready;
      const res = await fetch("/api/push/vapid-public-key");
      if (!res.ok) throw new Error(`the server did not give its push key (${res.status})`);
      const { publicKey } = (await res.json()) as { publicKey: string };
      const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(publicKey) });
      const saved = await sendJson("/api/push/subscriptions", "POST", subscription.toJSON());
      if (!saved.ok) {
        await subscription.unsubscribe();
        throw new Error(saved.message);
      }
      setState("on");
    } catch (e) {
      setError((e as Error).message);
      setState(Notification.permission === "denied" ? "denied" : "off");
    }
  }

  async function turnOff() {
    setState("busy");
    setError(null);
    try {
      const subscription = await (await navigator.serviceWorker.getRegistration("/"))?.pushManager.getSubscription();
      if (subscription) {
        await fetch("/api/push/subscriptions", {
          method: "DELETE",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ endpoint: subscription.endpoint }),
        });
        await subscription.unsubscribe();
      }
      setState("off");
    } catch (e) {
      setError((e as Error).message);
      setState("on");
    }
  }

  return (
    <div className="space-y-1">
      {state === "unsupported" && <p className="text-sm text-slate-600">This browser does not support push notifications.</p>}
      {state === "denied" && <p className="text-sm text-slate-600">Notifications are blocked for this site in the browser&apos;s settings.</p>}
      {(state === "off" || state === "busy") && (
        <button type="button" className={BUTTON_SECONDARY} disabled={state === "busy"} onClick={turnOn}>
          Turn on push notifications
        </button>
      )}
      {state === "on" && (
        <span className="inline-flex items-center gap-3 text-sm">
          Push notifications are on in this browser.
          <button type="button" className={BUTTON_SECONDARY} onClick={turnOff}>
            Turn off
          </button>
        </span>
      )}
      {error && (
        <p role="alert" className="text-xs text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
