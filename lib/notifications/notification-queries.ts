import { randomUUID } from "node:crypto";
import { type ApprovalRequest, db } from "../db/prisma";
import { parameterList, placeholders } from "../db/raw-sql";

// The alert path's statements that run for every held request as raw SQL, through the
// same Prisma client (lib/approvals/decision-queries.ts says why: a model query compiles
// its plan in WebAssembly on the event loop, which decisions share). Raw results come
// back typed as the model's (Dates, parsed JSON) on both databases.

export type ApprovalForAlerts = ApprovalRequest & {
  bridge: { name: string };
  decisions: { decision: string; comment: string | null; createdAt: Date; reviewer: { email: string } }[];
};

/** The request with its bridge's name and its decisions (oldest first, with each reviewer's email), or null. */
export async function findApprovalForAlerts(approvalId: string): Promise<ApprovalForAlerts | null> {
  const [rows, decisions] = await Promise.all([
    db.$queryRawUnsafe<(ApprovalRequest & { bridgeName: string })[]>(
      placeholders(`SELECT a.*, b."name" AS "bridgeName" FROM "ApprovalRequest" a JOIN "Bridge" b ON b."id" = a."bridgeId" WHERE a."id" = $1`),
      approvalId,
    ),
    db.$queryRawUnsafe<{ decision: string; comment: string | null; createdAt: Date; email: string }[]>(
      placeholders(
        `SELECT d."decision", d."comment", d."createdAt", u."email" FROM "Decision" d JOIN "User" u ON u."id" = d."reviewerId"
         WHERE d."approvalId" = $1 ORDER BY d."createdAt" ASC`,
      ),
      approvalId,
    ),
  ]);
  if (!rows[0]) return null;
  const { bridgeName, ...approval } = rows[0];
  return {
    ...approval,
    bridge: { name: bridgeName },
    decisions: decisions.map(({ email, ...d }) => ({ ...d, reviewer: { email } })),
  };
}

export interface PushSubscriptionRow {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** The push subscriptions of these users. */
export async function findPushSubscriptions(userIds: string[]): Promise<PushSubscriptionRow[]> {
  if (!userIds.length) return [];
  return db.$queryRawUnsafe<PushSubscriptionRow[]>(
    placeholders(`SELECT "id", "userId", "endpoint", "p256dh", "auth" FROM "PushSubscription" WHERE "userId" IN (${parameterList(userIds.length)})`),
    ...userIds,
  );
}

export interface NewWebhookDelivery {
  endpointId: string;
  eventType: string;
  approvalId: string | null;
  messageId: string;
  body: string;
}

/** Persists one pending webhook delivery, due now; returns its id. */
export async function insertWebhookDelivery(d: NewWebhookDelivery): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await db.$executeRawUnsafe(
    placeholders(
      `INSERT INTO "NotificationDelivery" ("id", "channel", "endpointId", "eventType", "approvalId", "messageId", "body", "status", "attempts", "nextAttemptAt", "createdAt", "updatedAt")
       VALUES ($1, 'webhook', $2, $3, $4, $5, $6, 'pending', 0, $7, $8, $9)`,
    ),
    id,
    d.endpointId,
    d.eventType,
    d.approvalId,
    d.messageId,
    d.body,
    now,
    now,
    now,
  );
  return id;
}

export interface DeliveryToSend {
  messageId: string;
  body: string | null;
  attempts: number;
  attemptLog: unknown;
  /** Null when the endpoint was deleted. */
  endpoint: { url: string; enabled: boolean; secretCiphertext: string } | null;
}

/** A webhook delivery with what sending it needs from its endpoint, or null. */
export async function findDeliveryToSend(id: string): Promise<DeliveryToSend | null> {
  const [row] = await db.$queryRawUnsafe<
    {
      messageId: string;
      body: string | null;
      attempts: number | bigint;
      attemptLog: unknown;
      endpointId: string | null;
      url: string | null;
      enabled: boolean | number | null;
      secretCiphertext: string | null;
    }[]
  >(
    placeholders(
      `SELECT d."messageId", d."body", d."attempts", d."attemptLog", e."id" AS "endpointId", e."url", e."enabled", e."secretCiphertext"
       FROM "NotificationDelivery" d LEFT JOIN "WebhookEndpoint" e ON e."id" = d."endpointId" WHERE d."id" = $1`,
    ),
    id,
  );
  if (!row) return null;
  return {
    messageId: row.messageId,
    body: row.body,
    attempts: Number(row.attempts),
    attemptLog: row.attemptLog,
    endpoint: row.endpointId ? { url: row.url!, enabled: Boolean(row.enabled), secretCiphertext: row.secretCiphertext! } : null,
  };
}
