import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { ensureAuthSecret } from "../server/auth-secret";

// Webhook signing secrets must be usable later (every delivery signs with them), so they are
// encrypted, not hashed: AES-256-GCM under a key derived (HKDF-SHA256) from the server secret
// (NEXTAUTH_SECRET or the generated data/auth-secret). A database copied without that secret
// holds no usable signing secret. Changing the server secret makes the stored ones unreadable:
// rotate each endpoint's secret afterwards.

const VERSION = "v1";

function key(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", serverSecret, "airlock", "webhook-signing-secrets", 32));
}

export function sealSecret(plain: string, serverSecret = ensureAuthSecret()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(serverSecret), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function openSecret(sealed: string, serverSecret = ensureAuthSecret()): string {
  const [version, data] = sealed.split(":");
  if (version !== VERSION || !data) throw new Error("unknown sealed-secret format");
  const raw = Buffer.from(data, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(serverSecret), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("the signing secret cannot be decrypted (was the server secret changed?): rotate this endpoint's secret");
  }
}

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
