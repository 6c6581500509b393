import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../db/database-url";

/**
 * The key that signs session cookies. `NEXTAUTH_SECRET` wins; otherwise one is
 * generated on first start and kept (mode 0600) in the data dir, so a newcomer
 * configures nothing. Several dashboard instances must share NEXTAUTH_SECRET.
 */
export function ensureAuthSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  const file = join(dataDir(), "auth-secret");
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString("base64url"), { mode: 0o600, flag: "wx" });
  // A secret written by an older version, or copied in with a wider mode, is made private too.
  chmodSync(file, 0o600);
  const secret = readFileSync(file, "utf8").trim();
  process.env.NEXTAUTH_SECRET = secret;
  return secret;
}
