import { db } from "../db/prisma";

/**
 * What there is to notify, read at most every 5 s: the enabled webhook endpoints
 * and whether anyone has push turned on. A dashboard with nothing configured then
 * spends no query on a request's notifications (the held path is hot). Changes
 * made on this instance apply at once (`forgetNotificationTargets`); other
 * instances see them within 5 s.
 */
const TTL_MS = 5_000;

export interface NotificationTargets {
  endpoints: { id: string; eventTypes: unknown; format: string }[];
  pushSubscriptions: number;
}

let cached: { at: number; targets: Promise<NotificationTargets> } | null = null;

export function notificationTargets(now = Date.now()): Promise<NotificationTargets> {
  if (cached && now - cached.at < TTL_MS) return cached.targets;
  const targets = Promise.all([
    db.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, eventTypes: true, format: true } }),
    db.pushSubscription.count(),
  ]).then(([endpoints, pushSubscriptions]) => ({ endpoints, pushSubscriptions }));
  cached = { at: now, targets };
  // A failed read is not kept: the next event asks again.
  targets.catch(() => {
    if (cached?.targets === targets) cached = null;
  });
  return targets;
}

/** Call after a webhook endpoint or a push subscription changed. */
export function forgetNotificationTargets(): void {
  cached = null;
}
