import { z } from "zod";
import { APPROVAL_EVENT_TYPES } from "./events";

// What the notification routes accept. Pure (zod only), tested in validation.test.ts.

const isLoopbackHost = (hostname: string) => hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);

/**
 * A webhook URL: http or https only (no file:, ftp:, javascript:, data:…), no user:password
 * (it would be shown on the page and in the log like the rest of the URL), at most 2,000 characters.
 */
export const ZWebhookUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
    } catch {
      return false;
    }
  }, "must be an http:// or https:// URL")
  .refine((value) => {
    try {
      const url = new URL(value);
      return !url.username && !url.password;
    } catch {
      return true;
    }
  }, "must not carry a user name or password (put credentials in the path or query, or use the signature)");

export const ZEventTypes = z.array(z.enum(APPROVAL_EVENT_TYPES)).min(1).max(APPROVAL_EVENT_TYPES.length);

export const ZCreateWebhook = z
  .object({
    url: ZWebhookUrl,
    eventTypes: ZEventTypes.default([...APPROVAL_EVENT_TYPES]),
    format: z.enum(["standard", "slack"]).default("standard"),
    enabled: z.boolean().default(true),
    description: z.string().trim().max(200).optional(),
  })
  .strict();

export const ZUpdateWebhook = z
  .object({
    url: ZWebhookUrl.optional(),
    eventTypes: ZEventTypes.optional(),
    format: z.enum(["standard", "slack"]).optional(),
    enabled: z.boolean().optional(),
    description: z.string().trim().max(200).nullable().optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, "nothing to change");

/**
 * A browser's PushSubscription.toJSON(). The endpoint is the push service's URL, where the
 * dashboard will POST: https only (http on a loopback address with AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP=1, for tests).
 */
export const ZPushSubscription = z
  .object({
    endpoint: z
      .string()
      .max(2_000)
      .refine((value) => {
        try {
          const url = new URL(value);
          if (url.username || url.password) return false;
          // Plain http to this machine only when AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP=1 (a local push service in tests):
          // otherwise any reviewer could make the dashboard POST to services listening on loopback.
          return (
            url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname) && process.env.AIRLOCK_PUSH_ALLOW_LOOPBACK_HTTP === "1")
          );
        } catch {
          return false;
        }
      }, "must be an https:// URL"),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        // An uncompressed P-256 point (65 bytes) and a 16-byte auth secret, base64url (RFC 8291).
        p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}=?$/, "must be a base64url P-256 public key (65 bytes)"),
        auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, "must be a base64url 16-byte secret"),
      })
      .strict(),
  })
  .strict();

export const ZPushUnsubscribe = z.object({ endpoint: z.string().max(2_000) }).strict();

export const ZNotificationSettings = z.object({ emailAlerts: z.boolean() }).strict();
