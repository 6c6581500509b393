import type { z } from "zod";
import { appendAudit } from "../audit/chain";
import { db } from "../db/prisma";
import { AppError } from "../errors/app-error";
import { isEmailConfigured } from "./email";
import type { ZNotificationSettings } from "./validation";

export async function getNotificationSettings(userId: string) {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailAlerts: true, _count: { select: { pushSubscriptions: true } } } });
  if (!user) throw new AppError("not_found", { message: "no such user" });
  return { emailAlerts: user.emailAlerts, emailConfigured: isEmailConfigured(), pushSubscriptions: user._count.pushSubscriptions };
}

export async function setNotificationSettings(userId: string, input: z.infer<typeof ZNotificationSettings>) {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { emailAlerts: input.emailAlerts } });
    await appendAudit(tx, [{ kind: "notification_settings_changed", actorId: userId, detail: { emailAlerts: input.emailAlerts } }]);
  });
  return getNotificationSettings(userId);
}
