import { WebhooksAdmin } from "@/components/notifications/webhooks-admin";
import { requirePagePermission } from "@/lib/ui/session";

export const dynamic = "force-dynamic";

// Outbound webhooks (admins): endpoints, their one-time secrets, and the delivery log.
export default async function WebhooksPage() {
  await requirePagePermission("admin:write", "/settings/webhooks");
  return (
    <section className="space-y-4" aria-labelledby="webhooks-heading">
      <h1 id="webhooks-heading" className="text-2xl font-semibold">
        Webhooks
      </h1>
      <p className="text-sm text-slate-600">
        Approval events are POSTed to each enabled endpoint, signed per the Standard Webhooks spec (<code>webhook-id</code>, <code>webhook-timestamp</code>,{" "}
        <code>webhook-signature</code>). A failed delivery is retried after 5 s, 30 s, 2 min, 10 min and 1 h.
      </p>
      <WebhooksAdmin />
    </section>
  );
}
