import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { ensureAuthSecret } from "../server/auth-secret";

// Secrets the dashboard must use again later (webhook signing secrets, upstream credentials)
// are encrypted, not hashed: AES-256-GCM under a key derived (HKDF-SHA256) from the server
// secret (NEXTAUTH_SECRET or the generated data/auth-secret), one key per purpose. `context`
// is authenticated with the ciphertext (GCM's additional data): a sealed value copied onto
// another row (another upstream, another variable) does not open there. A database copied
// without the server secret holds no usable secret; changing the server secret makes the
// stored ones unreadable, and each must be set again.

const VERSION = "v1";

export interface SealOptions {
  /** Which family of secrets: each has its own key. */
  purpose: string;
  /** What the secret belongs to; opening needs the same. */
  context?: string;
  serverSecret?: string;
}

function key(serverSecret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", serverSecret, "airlock", purpose, 32));
}

export function sealSecret(plain: string, { purpose, context, serverSecret = ensureAuthSecret() }: SealOptions): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(serverSecret, purpose), iv);
  if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

/** Throws when the value was sealed under another server secret, purpose or context, or altered. */
export function openSecret(sealed: string, { purpose, context, serverSecret = ensureAuthSecret() }: SealOptions): string {
  const [version, data] = sealed.split(":");
  if (version !== VERSION || !data) throw new Error("unknown sealed-secret format");
  const raw = Buffer.from(data, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key(serverSecret, purpose), raw.subarray(0, 12));
  if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
