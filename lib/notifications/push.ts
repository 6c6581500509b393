import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";
import type { z } from "zod";
import { appendAudit } from "../audit/chain";
import { dataDir } from "../db/database-url";
import { db } from "../db/prisma";
import { forgetNotificationTargets } from "./targets";
import type { ZPushSubscription } from "./validation";

// Web Push (RFC 8030, payloads encrypted per RFC 8291, VAPID per RFC 8292) with `web-push`.
// The VAPID key pair: AIRLOCK_VAPID_PUBLIC_KEY and AIRLOCK_VAPID_PRIVATE_KEY, or generated on
// first use into the data dir (mode 0600), like the audit signing key. Several dashboard
// instances must share it (a browser's subscription is bound to the public key).

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

const KEY_FILE = "vapid-keys.json";
const PUSH_TIMEOUT_MS = 10_000;
const globalForPush = globalThis as unknown as { __airlockVapid?: VapidKeys };

function loadOrCreate(): VapidKeys {
  const subject = process.env.AIRLOCK_VAPID_SUBJECT || "mailto:admin@localhost";
  const { AIRLOCK_VAPID_PUBLIC_KEY: publicKey, AIRLOCK_VAPID_PRIVATE_KEY: privateKey } = process.env;
  if (publicKey || privateKey) {
    if (!publicKey || !privateKey) throw new Error("set both AIRLOCK_VAPID_PUBLIC_KEY and AIRLOCK_VAPID_PRIVATE_KEY, or neither");
    return { publicKey, privateKey, subject };
  }
  const file = join(dataDir(), KEY_FILE);
  if (!existsSync(file)) {
    try {
      writeFileSync(file, JSON.stringify(webpush.generateVAPIDKeys()), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Two processes at once: the other one's keys are the keys.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(file, 0o600);
  const keys = JSON.parse(readFileSync(file, "utf8")) as { publicKey: string; privateKey: string };
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, subject };
}

export function vapidKeys(): VapidKeys {
  globalForPush.__airlockVapid ??= loadOrCreate();
  return globalForPush.__airlockVapid;
}

/** Once a subscription change committed, the dispatcher reads the targets afresh. */
async function afterChange<T>(change: Promise<T>): Promise<T> {
  const result = await change;
  forgetNotificationTargets();
  return result;
}

export async function savePushSubscription(user: { id: string }, sub: z.infer<typeof ZPushSubscription>, userAgent: string | null) {
  return afterChange(
    db.$transaction(async (tx) => {
      // An endpoint is one browser: signing in as someone else there moves it to them.
      const row = await tx.pushSubscription.upsert({
        where: { endpoint: sub.endpoint },
        create: { userId: user.id, endpoint: sub.endpoint, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null },
        update: { userId: user.id, p256dh: sub.keys.p256dh, auth: sub.keys.auth, userAgent: userAgent?.slice(0, 300) ?? null },
      });
      await appendAudit(tx, [{ kind: "push_subscribed", actorId: user.id, detail: { subscriptionId: row.id, host: new URL(sub.endpoint).host } }]);
      return { id: row.id, createdAt: row.createdAt.toISOString() };
    }),
  );
}

export async function deletePushSubscription(user: { id: string }, endpoint: string) {
  return afterChange(
    db.$transaction(async (tx) => {
      const { count } = await tx.pushSubscription.deleteMany({ where: { endpoint, userId: user.id } });
      if (count) await appendAudit(tx, [{ kind: "push_unsubscribed", actorId: user.id, detail: { count } }]);
      return { deleted: count };
    }),
  );
}

export interface PushMessage {
  title: string;
  body: string;
  url: string;
  approvalId: string;
}

export interface PushResult {
  ok: boolean;
  statusCode: number | null;
  error?: string;
  /** The push service says the subscription is gone (404/410): it was deleted. */
  expired?: boolean;
}

/** Encrypts and POSTs one push. Not through web-push's sender (https only): fetch, with a timeout. Never throws. */
export async function sendPush(sub: { id: string; endpoint: string; p256dh: string; auth: string }, message: PushMessage): Promise<PushResult> {
  try {
    const keys = vapidKeys();
    const details = webpush.generateRequestDetails({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }, JSON.stringify(message), {
      vapidDetails: keys,
      TTL: 3_600,
      urgency: "high",
      topic: message.approvalId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32) || undefined,
    });
    const res = await fetch(details.endpoint, {
      method: details.method,
      headers: details.headers as Record<string, string>,
      body: details.body ? new Uint8Array(details.body as Buffer) : null,
      redirect: "manual",
      signal: AbortSignal.timeout(PUSH_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 404 || res.status === 410) {
      await db.pushSubscription.deleteMany({ where: { id: sub.id } });
      forgetNotificationTargets();
      return { ok: false, statusCode: res.status, expired: true, error: `the subscription expired (HTTP ${res.status}); deleted` };
    }
    if (res.status < 200 || res.status > 299) return { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
    return { ok: true, statusCode: res.status };
  } catch (error) {
    const e = error as Error;
    return {
      ok: false,
      statusCode: null,
      error: e.name === "TimeoutError" ? `timed out after ${PUSH_TIMEOUT_MS / 1000} s` : String(e.message ?? e).slice(0, 500),
    };
  }
}
