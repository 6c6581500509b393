import { afterDecisionsInFlight } from "../approvals/decisions-in-flight";
import { dashboardLog } from "../observability/dashboard-log";
import { attemptDelivery, enqueueWebhookDeliveries, recordFailedNotification } from "./deliveries";
import { isEmailConfigured, sendMail } from "./email";
import { renderApprovalEmail } from "./email-content";
import { type ApprovalEvent, buildApprovalEvent, headline, REVIEWER_ALERT_EVENTS, type TApprovalEventType } from "./events";
import { approvalLinkFor } from "./links";
import { type ApprovalForAlerts, findApprovalForAlerts, findPushSubscriptions } from "./notification-queries";
import { sendPush } from "./push";
import { hasEmailAddress, recipientsFor } from "./recipients";
import { slackBody } from "./slack";
import { type NotificationTargets, notificationTargets } from "./targets";

// The one way into notifications: `dispatchApprovalEvent(type, approvalId)`, called after the
// change committed. It returns at once; the work runs after the caller's answer is on its way,
// and nothing it does can throw into, slow or fail the approval path (a failure is logged,
// and recorded in NotificationDelivery). Between its steps it lets the decisions in flight
// finish first (lib/approvals/decisions-in-flight.ts): an agent is waiting on those.

/** Tells webhooks, and for new (or escalated) requests the people who may decide by email and push. */
export function dispatchApprovalEvent(type: TApprovalEventType, approvalId: string): void {
  setImmediate(() => {
    runDispatch(type, approvalId).catch((error) => dashboardLog().error(`notifications for ${type} ${approvalId} failed`, error));
  });
}

/** The dispatch itself (awaitable, for tests and scripts); resolves when every channel finished its first attempt. */
export async function runDispatch(type: TApprovalEventType, approvalId: string): Promise<void> {
  await afterDecisionsInFlight();
  const targets = await notificationTargets();
  const endpoints = targets.endpoints.filter((e) => Array.isArray(e.eventTypes) && (e.eventTypes as string[]).includes(type));
  const alertsPeople = REVIEWER_ALERT_EVENTS.includes(type) && (isEmailConfigured() || targets.pushSubscriptions > 0);
  // Nothing configured for this event: no query at all.
  if (!endpoints.length && !alertsPeople) return;
  await afterDecisionsInFlight();
  const approval = await findApprovalForAlerts(approvalId);
  if (!approval) return;
  await afterDecisionsInFlight();
  const tasks: Promise<unknown>[] = [dispatchWebhooks(type, approval, endpoints)];
  if (alertsPeople) tasks.push(alertReviewers(type, approval));
  await Promise.all(tasks);
}

type Approval = ApprovalForAlerts;

async function dispatchWebhooks(type: TApprovalEventType, approval: Approval, endpoints: NotificationTargets["endpoints"]) {
  if (!endpoints.length) return;
  const linkOf = (channel: "webhook" | "slack") => approvalLinkFor({ approvalId: approval.id, userId: null, argumentsHash: approval.argumentsHash, channel });
  const standard = buildApprovalEvent(type, approval, await linkOf("webhook"));
  const slack = endpoints.some((e) => e.format === "slack")
    ? slackBody(buildApprovalEvent(type, approval, await linkOf("slack"), new Date(standard.timestamp)))
    : null;
  const ids = await enqueueWebhookDeliveries(
    endpoints.map((e) => ({ id: e.id, body: JSON.stringify(e.format === "slack" ? slack : standard) })),
    { type, approvalId: approval.id },
  );
  await afterDecisionsInFlight();
  await Promise.all(ids.map((id) => attemptDelivery(id)));
}

async function alertReviewers(type: TApprovalEventType, approval: Approval) {
  const recipients = await recipientsFor(approval, type);
  if (!recipients.length) return;
  await afterDecisionsInFlight();
  const subscriptions = await findPushSubscriptions(recipients.map((r) => r.id));
  const base = buildApprovalEvent(type, approval, "");
  await afterDecisionsInFlight();
  await Promise.all(
    recipients.flatMap((user) => {
      const jobs: Promise<void>[] = [];
      if (isEmailConfigured() && user.emailAlerts && hasEmailAddress(user.email)) jobs.push(emailOne(type, approval, base, user));
      for (const sub of subscriptions.filter((s) => s.userId === user.id)) jobs.push(pushOne(type, approval, base, user, sub));
      return jobs;
    }),
  );
}

async function emailOne(type: TApprovalEventType, approval: Approval, base: ApprovalEvent, user: { id: string; email: string }) {
  const link = await approvalLinkFor({ approvalId: approval.id, userId: user.id, argumentsHash: approval.argumentsHash, channel: "email" });
  await afterDecisionsInFlight();
  const content = renderApprovalEmail({ ...base, data: { ...base.data, url: link } }, { prompt: approval.prompt, link });
  const result = await sendMail({ to: user.email, ...content });
  if (!result.ok) {
    dashboardLog().error(`alert email for ${approval.id} to user ${user.id} failed: ${result.error}`);
    await recordFailedNotification({
      channel: "email",
      userId: user.id,
      eventType: type,
      approvalId: approval.id,
      attempts: result.attempts,
      responseCode: result.responseCode,
      error: result.error ?? "unknown",
    });
  }
}

async function pushOne(
  type: TApprovalEventType,
  approval: Approval,
  base: ApprovalEvent,
  user: { id: string },
  sub: { id: string; endpoint: string; p256dh: string; auth: string },
) {
  const url = await approvalLinkFor({ approvalId: approval.id, userId: user.id, argumentsHash: approval.argumentsHash, channel: "push" });
  await afterDecisionsInFlight();
  // Small: a push message is at most 4 KB, and the details are behind the link.
  const result = await sendPush(sub, {
    title: headline(base).slice(0, 120),
    body: `${approval.tool} on ${approval.server} · bridge ${base.data.bridge}`.slice(0, 200),
    url,
    approvalId: approval.id,
  });
  if (!result.ok) {
    dashboardLog().error(`push for ${approval.id} to user ${user.id} failed: ${result.error}`);
    await recordFailedNotification({
      channel: "push",
      userId: user.id,
      eventType: type,
      approvalId: approval.id,
      attempts: 1,
      responseCode: result.statusCode,
      error: result.error ?? "unknown",
    });
  }
}
