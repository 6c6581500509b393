// Which audit events belong to which retention class, and AIRLOCK_AUDIT_RETENTION's syntax.
// Pure (no database): the start checks the setting with it before anything runs.

export const EVENT_CLASSES = {
  /** What the bridges saw. */
  calls: ["allowed", "denied", "held", "executed", "failed", "upstream_error", "withdrawn", "reheld", "session_alert"],
  /** Reviewers' decisions, expiries and escalations. */
  decisions: ["decided", "escalated"],
  /** Who signed in, who let an MCP client act as them (OAuth), and who exported. */
  access: ["signed_in", "sign_in_failed", "audit_exported", "oauth_authorized", "oauth_grant_revoked"],
  /** Configuration: policy versions, inventory, users, tokens, bridges, holds (`audit_purged` records are never purged: they vouch for the rest). */
  admin: [
    "policy_changed",
    "delegation_set",
    "tool_discovered",
    "tool_quarantined",
    "tool_restored",
    "tool_tagged",
    "tool_enabled",
    "tool_disabled",
    "tool_definition_approved",
    "bridge_updated",
    "bridge_token_created",
    "user_created",
    "user_disabled",
    "user_enabled",
    "user_role_changed",
    "user_sso_linked",
    "token_created",
    "personal_data_erased",
    "legal_hold_changed",
    "webhook_created",
    "webhook_updated",
    "webhook_deleted",
    "webhook_secret_rotated",
    "webhook_tested",
    "webhook_redelivered",
    "notification_settings_changed",
    "push_subscribed",
    "push_unsubscribed",
    "passkey_added",
    "passkey_removed",
    "grant_key_registered",
    "upstream_secret_set",
    "upstream_secret_rotated",
    "upstream_secret_deleted",
    "approver_group_created",
    "approver_group_deleted",
    "approver_group_members_changed",
    "server_admins_changed",
  ],
} as const;
export type TEventClass = keyof typeof EVENT_CLASSES;

/** Parses AIRLOCK_AUDIT_RETENTION; throws a message naming the bad part. */
export function parseRetention(spec: string | undefined): Partial<Record<TEventClass, number>> {
  const periods: Partial<Record<TEventClass, number>> = {};
  for (const part of (spec ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(\d{1,5})([dy])$/.exec(part);
    if (!match) throw new Error(`AIRLOCK_AUDIT_RETENTION: "${part}" is not CLASS=<days>d or CLASS=<years>y`);
    const [, name, amount, unit] = match;
    if (!Object.hasOwn(EVENT_CLASSES, name))
      throw new Error(`AIRLOCK_AUDIT_RETENTION: unknown class "${name}" (classes: ${Object.keys(EVENT_CLASSES).join(", ")})`);
    const days = Number(amount) * (unit === "y" ? 365 : 1);
    if (days < 1) throw new Error(`AIRLOCK_AUDIT_RETENTION: "${part}" must keep events at least a day`);
    periods[name as TEventClass] = days;
  }
  return periods;
}
