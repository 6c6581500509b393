import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterDecisionsInFlight } from "../approvals/decisions-in-flight";
import { db } from "../db/prisma";
import { dashboardLog } from "../observability/dashboard-log";
import { MAX_ATTEMPTS, retryDelayMs } from "./backoff";
import { findDeliveryToSend, insertWebhookDelivery } from "./notification-queries";
import { openSecret } from "./secret-box";

// Webhook deliveries: persisted first, then sent; a failed one is retried from the table by
// the dashboard's timer (processDueDeliveries), so a restart loses none. A row is claimed
// (pending → sending) by a conditional update before it is sent, so two senders (the
// immediate attempt and the timer, or two dashboard instances) never send it at once.
// Each step lets the decisions in flight finish first (lib/approvals/decisions-in-flight.ts).

export const DELIVERY_TIMEOUT_MS = Math.max(1_000, Number(process.env.AIRLOCK_WEBHOOK_TIMEOUT_MS) || 10_000);
/** A "sending" row whose sender died (a crash mid-request) is taken up again after this. */
const CLAIM_MS = DELIVERY_TIMEOUT_MS + 30_000;
const MAX_ERROR_CHARS = 500;

export interface AttemptRecord {
  at: string;
  responseCode: number | null;
  error: string | null;
  durationMs: number;
}

export const newMessageId = () => `msg_${randomUUID().replace(/-/g, "")}`;

/** The endpoint's host, for logs: a URL's path and query can be a secret (a Slack webhook URL is one). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid URL)";
  }
}

/** Persists one delivery per endpoint and returns their ids (the caller sends them). */
export async function enqueueWebhookDeliveries(
  endpoints: { id: string; body: string }[],
  event: { type: string; approvalId: string | null },
): Promise<string[]> {
  const ids: string[] = [];
  for (const endpoint of endpoints) {
    ids.push(
      await insertWebhookDelivery({
        endpointId: endpoint.id,
        eventType: event.type,
        approvalId: event.approvalId,
        messageId: newMessageId(),
        body: endpoint.body,
      }),
    );
  }
  return ids;
}

async function claim(id: string): Promise<boolean> {
  const now = new Date();
  const { count } = await db.notificationDelivery.updateMany({
    where: {
      id,
      channel: "webhook",
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "sending", lockedUntil: { lt: now } },
      ],
    },
    data: { status: "sending", lockedUntil: new Date(now.getTime() + CLAIM_MS) },
  });
  return count === 1;
}

/** POSTs a signed body; resolves with the status code, or throws (network error, timeout). */
export async function postSigned(url: string, secret: string, messageId: string, body: string, now = new Date()): Promise<number> {
  const signature = new Webhook(secret).sign(messageId, now, body);
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "Airlock-Webhooks/1",
      "webhook-id": messageId,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    },
    body,
    // A redirect is a failure, not followed: the admin configured this URL, not another.
    redirect: "manual",
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  // Only the status matters; the body is read (to free the connection) and dropped.
  await res.arrayBuffer().catch(() => undefined);
  return res.status;
}

function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return `timed out after ${DELIVERY_TIMEOUT_MS / 1000} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ""}`.slice(0, MAX_ERROR_CHARS);
}

/**
 * Sends one delivery if it is due and nobody else is sending it; records the attempt and
 * schedules the next one (or gives up). Never throws: a failure is the row's status.
 */
export async function attemptDelivery(id: string): Promise<void> {
  try {
    if (!(await claim(id))) return;
    await afterDecisionsInFlight();
    const delivery = await findDeliveryToSend(id);
    if (!delivery) return;
    await afterDecisionsInFlight();
    const started = Date.now();
    let responseCode: number | null = null;
    let error: string | null = null;
    const endpoint = delivery.endpoint;
    if (!endpoint) error = "the endpoint was deleted";
    else if (!endpoint.enabled) error = "the endpoint is disabled";
    else {
      try {
        responseCode = await postSigned(endpoint.url, openSecret(endpoint.secretCiphertext), delivery.messageId, delivery.body ?? "");
        if (responseCode < 200 || responseCode > 299) error = `HTTP ${responseCode}`;
      } catch (e) {
        error = describeError(e);
      }
    }
    const attempts = delivery.attempts + 1;
    const log = [
      ...((delivery.attemptLog as AttemptRecord[] | null) ?? []),
      { at: new Date(started).toISOString(), responseCode, error, durationMs: Date.now() - started },
    ];
    const isDone = error === null;
    const gaveUp = !isDone && !endpoint?.enabled;
    const delay = isDone || gaveUp ? null : retryDelayMs(attempts);
    const status = isDone ? "succeeded" : delay === null ? "failed" : "pending";
    await afterDecisionsInFlight();
    await db.notificationDelivery.update({
      where: { id },
      data: {
        status,
        attempts,
        responseCode,
        lastError: error,
        attemptLog: log as object[],
        nextAttemptAt: delay === null ? null : new Date(Date.now() + delay),
        lockedUntil: null,
        deliveredAt: isDone ? new Date() : undefined,
      },
    });
    if (error) {
      const next = delay === null ? `gave up after ${attempts} attempt(s)` : `retry in ${Math.round(delay / 1000)} s`;
      dashboardLog().error(`webhook delivery ${id} to ${endpoint ? hostOf(endpoint.url) : "?"} failed: ${error}; ${next}`);
    }
  } catch (error) {
    // The database itself failed: the row stays claimed and is taken up again when its claim lapses.
    dashboardLog().error(`webhook delivery ${id} could not be processed`, error);
  }
}

/** Sends every webhook delivery that is due (the dashboard's timer calls this); returns how many it tried. */
export async function processDueDeliveries(limit = 25): Promise<number> {
  const now = new Date();
  const due = await db.notificationDelivery.findMany({
    where: {
      channel: "webhook",
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "sending", lockedUntil: { lt: now } },
      ],
    },
    select: { id: true },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  await Promise.all(due.map(({ id }) => attemptDelivery(id)));
  return due.length;
}

/** Records an email or push notification that could not be sent (they are not retried from the table). */
export async function recordFailedNotification(input: {
  channel: "email" | "push";
  userId: string;
  eventType: string;
  approvalId: string;
  attempts: number;
  responseCode?: number | null;
  error: string;
}): Promise<void> {
  try {
    await db.notificationDelivery.create({
      data: {
        channel: input.channel,
        userId: input.userId,
        eventType: input.eventType,
        approvalId: input.approvalId,
        messageId: newMessageId(),
        status: "failed",
        attempts: input.attempts,
        responseCode: input.responseCode ?? null,
        lastError: input.error.slice(0, MAX_ERROR_CHARS),
      },
    });
  } catch (error) {
    dashboardLog().error("could not record a failed notification", error);
  }
}

export { MAX_ATTEMPTS };
