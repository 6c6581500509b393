import type { z } from "zod";
import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { attemptDelivery, enqueueWebhookDeliveries, hostOf, newMessageId } from "./deliveries";
import { type ApprovalEvent, TEST_EVENT_TYPE } from "./events";
import { approvalLinkFor } from "./links";
import { generateWebhookSecret, sealSecret } from "./secret-box";
import { slackBody } from "./slack";
import { forgetNotificationTargets } from "./targets";
import type { ZCreateWebhook, ZUpdateWebhook } from "./validation";

// The admin side of webhooks (/api/webhooks): every change is audited, in the same
// transaction, with the endpoint's host only (a Slack URL's path is its secret).

type Endpoint = Awaited<ReturnType<typeof db.webhookEndpoint.findUniqueOrThrow>>;

export function toEndpointView(e: Endpoint) {
  return {
    id: e.id,
    url: e.url,
    eventTypes: e.eventTypes as string[],
    format: e.format,
    enabled: e.enabled,
    description: e.description,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

export function toDeliveryView(d: Awaited<ReturnType<typeof db.notificationDelivery.findUniqueOrThrow>>) {
  return {
    id: d.id,
    channel: d.channel,
    endpointId: d.endpointId,
    eventType: d.eventType,
    approvalId: d.approvalId,
    messageId: d.messageId,
    status: d.status,
    attempts: d.attempts,
    responseCode: d.responseCode,
    lastError: d.lastError,
    attemptLog: (d.attemptLog as unknown[] | null) ?? [],
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  };
}

export async function listWebhooks() {
  return (await db.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } })).map(toEndpointView);
}

async function findEndpoint(id: string): Promise<Endpoint> {
  const endpoint = await db.webhookEndpoint.findUnique({ where: { id } });
  if (!endpoint) throw new AppError("not_found", { message: "no such webhook endpoint" });
  return endpoint;
}

/** Creates an endpoint with a fresh secret; the secret is in this answer and never again. */
export async function createWebhook(input: z.infer<typeof ZCreateWebhook>, actor: { id: string; email: string }) {
  const secret = generateWebhookSecret();
  const endpoint = await db.$transaction(async (tx) => {
    const row = await tx.webhookEndpoint.create({
      data: {
        url: input.url,
        eventTypes: input.eventTypes,
        format: input.format,
        enabled: input.enabled,
        description: input.description || null,
        secretCiphertext: sealSecret(secret),
        createdBy: actor.email,
      },
    });
    await appendAudit(tx, [
      {
        kind: "webhook_created",
        actorId: actor.id,
        detail: { endpointId: row.id, host: hostOf(row.url), eventTypes: input.eventTypes, format: input.format, enabled: input.enabled },
      },
    ]);
    return row;
  });
  forgetNotificationTargets();
  return { ...toEndpointView(endpoint), secret };
}

export async function updateWebhook(id: string, input: z.infer<typeof ZUpdateWebhook>, actor: { id: string }) {
  const updated = await db.$transaction(async (tx) => {
    const before = await tx.webhookEndpoint.findUnique({ where: { id } });
    if (!before) throw new AppError("not_found", { message: "no such webhook endpoint" });
    const after = await tx.webhookEndpoint.update({
      where: { id },
      data: {
        url: input.url,
        eventTypes: input.eventTypes,
        format: input.format,
        enabled: input.enabled,
        description: input.description === undefined ? undefined : input.description || null,
      },
    });
    const changed = Object.keys(input);
    await appendAudit(tx, [
      {
        kind: "webhook_updated",
        actorId: actor.id,
        detail: {
          endpointId: id,
          changed,
          host: hostOf(after.url),
          ...(input.url !== undefined ? { fromHost: hostOf(before.url) } : {}),
          ...(input.enabled !== undefined ? { enabled: after.enabled } : {}),
          ...(input.eventTypes ? { eventTypes: input.eventTypes } : {}),
          ...(input.format ? { format: input.format } : {}),
        },
      },
    ]);
    return toEndpointView(after);
  });
  forgetNotificationTargets();
  return updated;
}

export async function deleteWebhook(id: string, actor: { id: string }) {
  await db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id } });
    if (!endpoint) throw new AppError("not_found", { message: "no such webhook endpoint" });
    // Its deliveries go with it (cascade): the audit event says it existed and who removed it.
    await tx.webhookEndpoint.delete({ where: { id } });
    await appendAudit(tx, [{ kind: "webhook_deleted", actorId: actor.id, detail: { endpointId: id, host: hostOf(endpoint.url) } }]);
  });
  forgetNotificationTargets();
  return { id, deleted: true };
}

/** A new secret, in this answer only; the old one stops signing at once. */
export async function rotateWebhookSecret(id: string, actor: { id: string }) {
  const secret = generateWebhookSecret();
  await db.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findUnique({ where: { id } });
    if (!endpoint) throw new AppError("not_found", { message: "no such webhook endpoint" });
    await tx.webhookEndpoint.update({ where: { id }, data: { secretCiphertext: sealSecret(secret) } });
    await appendAudit(tx, [{ kind: "webhook_secret_rotated", actorId: actor.id, detail: { endpointId: id, host: hostOf(endpoint.url) } }]);
  });
  return { id, secret };
}

/** A sample event sent to this endpoint alone, whatever its event types; waits for the first attempt. */
export async function sendTestEvent(id: string, actor: { id: string }) {
  const endpoint = await findEndpoint(id);
  const now = new Date();
  const approvalId = "test_approval";
  const event: ApprovalEvent = {
    type: TEST_EVENT_TYPE,
    timestamp: now.toISOString(),
    data: {
      id: approvalId,
      url: await approvalLinkFor({ approvalId, userId: null, argumentsHash: "", channel: endpoint.format === "slack" ? "slack" : "webhook" }),
      status: "pending",
      outcome: null,
      stage: "call",
      server: "example",
      tool: "write_file",
      bridge: "test",
      principal: null,
      rule: "a test event",
      heldReason: "sent from the webhooks page to check this endpoint",
      arguments: { path: "/tmp/airlock-test.txt", content: "hello" },
      argumentsHash: "",
      requiredApprovers: 1,
      approverRole: "reviewer",
      decidedBy: null,
      comment: null,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 600_000).toISOString(),
      decidedAt: null,
    },
  };
  const body = JSON.stringify(endpoint.format === "slack" ? slackBody(event) : event);
  const [deliveryId] = await enqueueWebhookDeliveries([{ id, body }], { type: TEST_EVENT_TYPE, approvalId: null });
  await db.$transaction(async (tx) => {
    await appendAudit(tx, [{ kind: "webhook_tested", actorId: actor.id, detail: { endpointId: id, host: hostOf(endpoint.url), deliveryId } }]);
  });
  await attemptDelivery(deliveryId);
  return toDeliveryView(await db.notificationDelivery.findUniqueOrThrow({ where: { id: deliveryId } }));
}

export async function listDeliveries(endpointId: string, { limit = 50, status }: { limit?: number; status?: string } = {}) {
  await findEndpoint(endpointId);
  const rows = await db.notificationDelivery.findMany({
    where: { endpointId, ...(status ? { status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map(toDeliveryView);
}

/** Sends a past delivery again: a new delivery with the same message id and body (receivers drop duplicates by id). */
export async function redeliver(deliveryId: string, actor: { id: string }) {
  const old = await db.notificationDelivery.findUnique({ where: { id: deliveryId } });
  if (old?.channel !== "webhook" || !old.endpointId) throw new AppError("not_found", { message: "no such webhook delivery" });
  const endpointId = old.endpointId;
  const created = await db.$transaction(async (tx) => {
    const row = await tx.notificationDelivery.create({
      data: {
        channel: "webhook",
        endpointId,
        eventType: old.eventType,
        approvalId: old.approvalId,
        messageId: old.messageId || newMessageId(),
        body: old.body,
        status: "pending",
        nextAttemptAt: new Date(),
      },
    });
    await appendAudit(tx, [{ kind: "webhook_redelivered", actorId: actor.id, detail: { endpointId, deliveryId, newDeliveryId: row.id } }]);
    return row;
  });
  await attemptDelivery(created.id);
  return toDeliveryView(await db.notificationDelivery.findUniqueOrThrow({ where: { id: created.id } }));
}
