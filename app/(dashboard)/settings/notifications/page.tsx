import Link from "next/link";
import { EmailAlertsToggle } from "@/components/notifications/email-alerts-toggle";
import { PushControl } from "@/components/notifications/push-control";
import { can } from "@/lib/auth/roles";
import { getNotificationSettings } from "@/lib/notifications/settings";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// A reviewer's own alerts: email on or off, push notifications in this browser.
export default async function NotificationSettingsPage() {
  const user = await requirePagePermission("approvals:decide", "/settings/notifications");
  const settings = await getNotificationSettings(user.id);
  return (
    <section className="max-w-2xl space-y-6" aria-labelledby="notifications-heading">
      <h1 id="notifications-heading" className="text-2xl font-semibold">
        Notifications
      </h1>
      <p className="text-sm text-slate-600">When an agent&apos;s call waits for a decision you may take, Airlock can tell you outside this tab.</p>
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Email</h2>
        <EmailAlertsToggle initial={settings.emailAlerts} isConfigured={settings.emailConfigured} />
      </div>
      <div className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="font-semibold">Push notifications</h2>
        <p className="text-sm text-slate-600">
          Browsers with push turned on for you: <span className="font-semibold">{settings.pushSubscriptions}</span>
        </p>
        <PushControl />
      </div>
      {can(user.role, "admin:write") && (
        <p className="text-sm">
          Webhooks for chat and other systems: <Link href="/settings/webhooks">Webhooks</Link>
        </p>
      )}
    </section>
  );
}
