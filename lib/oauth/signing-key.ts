import { createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { keyIdOf, publicJwks, type SigningKey } from "../audit/signing-key";
import { dataDir } from "../db/database-url";

// The Ed25519 key that signs OAuth access tokens for the bridges' MCP endpoints. It is
// deliberately not the audit key, nor the per-call grant keys (/.well-known/jwks.json):
// each key signs one kind of thing, so a token of one kind can never pass for another.
//
// Kept like the audit key: `AIRLOCK_OAUTH_SIGNING_KEY` (a PKCS#8 PEM) or
// `AIRLOCK_OAUTH_SIGNING_KEY_FILE` wins; otherwise one is generated on first start into
// the data dir (mode 0600). Every dashboard instance must share it. Rotation: replace the
// key and restart; access tokens signed with the old one (10 minutes at most) fail at the
// bridges, whose clients then refresh (refresh tokens are database rows, not signed).

const KEY_FILE = "oauth-signing-key.pem";

function fromPem(pem: string, origin: string): SigningKey {
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${origin} is not a PKCS#8 PEM private key: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${origin} must be an Ed25519 key (it is ${privateKey.asymmetricKeyType})`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

function loadOrCreate(): SigningKey {
  if (process.env.AIRLOCK_OAUTH_SIGNING_KEY) return fromPem(process.env.AIRLOCK_OAUTH_SIGNING_KEY, "AIRLOCK_OAUTH_SIGNING_KEY");
  const configured = process.env.AIRLOCK_OAUTH_SIGNING_KEY_FILE;
  if (configured) return fromPem(readFileSync(configured, "utf8"), configured);
  const file = join(dataDir(), KEY_FILE);
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync("ed25519");
    try {
      writeFileSync(file, privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600, flag: "wx" });
    } catch (error) {
      // Two processes started at once: the other one wrote it first, and its key is the one.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(file, 0o600);
  return fromPem(readFileSync(file, "utf8"), file);
}

let cached: SigningKey | undefined;

export function oauthSigningKey(): SigningKey {
  cached ??= loadOrCreate();
  return cached;
}

/** The public half, as the JWKS the bridges verify access tokens with. */
export function oauthJwks(): { keys: Record<string, unknown>[] } {
  return publicJwks([oauthSigningKey()]);
}
