import { z } from "zod";
import { ROLES } from "../auth/roles";
import { ZEmail, ZPassword } from "./users.types";

// What the admin screens' API routes take (validated at the boundary; anything else is a 422).

export const ZInviteUser = z.object({ email: ZEmail, role: z.enum(ROLES), name: z.string().trim().min(1).max(120).optional() }).strict();

/** One change at a time: a role, or enabled/disabled. */
export const ZUpdateUser = z.union([z.object({ role: z.enum(ROLES) }).strict(), z.object({ disabled: z.boolean() }).strict()], {
  error: 'send either {"role": "admin"|"reviewer"|"auditor"} or {"disabled": true|false}',
});

export const ZSetPassword = z.object({ token: z.string().min(1).max(200), password: ZPassword }).strict();

/** A token's name and optional expiry (an ISO date-time in the future, at most ten years out). */
export const ZCreateToken = z
  .object({
    name: z.string().trim().min(1, "a name is required").max(100),
    expiresAt: z.iso
      .datetime({ offset: true, message: "expiresAt must be an ISO 8601 date-time" })
      .transform((value) => new Date(value))
      .refine((date) => date.getTime() > Date.now(), "expiresAt must be in the future")
      .refine((date) => date.getTime() < Date.now() + 10 * 366 * 86_400_000, "expiresAt must be within ten years")
      .nullish(),
  })
  .strict();

/** A bridge's name: what rules' `match.bridge` sees, so the glob alphabet. */
export const ZCreateBridge = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "a name is required")
      .max(100)
      .regex(/^[\w.:\-/@]+$/, "a bridge name may hold letters, digits and _ . - / : @ only"),
    newTools: z.enum(["enabled", "disabled"]).default("disabled"),
  })
  .strict();

const ZToolId = z.string().regex(/^[\w-]{1,100}$/, "a tool id");

export const ZBulkToolDecision = z
  .object({
    action: z.enum(["enable", "disable"]),
    /** Each tool with the hash of the definition the admin saw; a newer one refuses the whole batch (409). */
    tools: z
      .array(z.object({ id: ZToolId, definitionHash: z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 hex digest") }).strict())
      .min(1, "select at least one tool")
      .max(500),
  })
  .strict();
