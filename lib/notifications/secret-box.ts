import { randomBytes } from "node:crypto";
import { openSecret as open, sealSecret as seal } from "../crypto/secret-box";

// Webhook signing secrets must be usable later (every delivery signs with them), so they are
// sealed (lib/crypto/secret-box.ts), not hashed. Changing the server secret makes the stored
// ones unreadable: rotate each endpoint's secret afterwards.

const PURPOSE = "webhook-signing-secrets";

export function sealSecret(plain: string, serverSecret?: string): string {
  return seal(plain, { purpose: PURPOSE, serverSecret });
}

export function openSecret(sealed: string, serverSecret?: string): string {
  try {
    return open(sealed, { purpose: PURPOSE, serverSecret });
  } catch (error) {
    if ((error as Error).message === "unknown sealed-secret format") throw error;
    throw new Error("the signing secret cannot be decrypted (was the server secret changed?): rotate this endpoint's secret");
  }
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
