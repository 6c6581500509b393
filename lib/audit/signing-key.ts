import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../db/database-url";

// The Ed25519 key that signs the audit chain's checkpoints and export trailers.
//
// `AIRLOCK_AUDIT_SIGNING_KEY` (a PKCS#8 PEM) or `AIRLOCK_AUDIT_SIGNING_KEY_FILE` wins; otherwise
// one is generated on first start into the data dir (mode 0600). A key beside the database
// protects against edits made through the database alone; for an assessor, give it from a
// secret store, keep the public key (served at /.well-known/airlock-audit-keys.json) outside,
// and every dashboard instance must share it.

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface PublicKey {
  keyId: string;
  publicKey: KeyObject;
}

const KEY_FILE = "audit-signing-key.pem";

/** The key id: the first 16 hex digits of SHA-256 over the raw 32-byte public key. */
export function keyIdOf(publicKey: KeyObject): string {
  const x = publicKey.export({ format: "jwk" }).x as string;
  return createHash("sha256").update(Buffer.from(x, "base64url")).digest("hex").slice(0, 16);
}

function fromPem(pem: string, origin: string): SigningKey {
  let privateKey: KeyObject;
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
  if (process.env.AIRLOCK_AUDIT_SIGNING_KEY) return fromPem(process.env.AIRLOCK_AUDIT_SIGNING_KEY, "AIRLOCK_AUDIT_SIGNING_KEY");
  const configured = process.env.AIRLOCK_AUDIT_SIGNING_KEY_FILE;
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

export function auditSigningKey(): SigningKey {
  cached ??= loadOrCreate();
  return cached;
}

export function signMessage(key: SigningKey, message: Buffer): string {
  return sign(null, message, key.privateKey).toString("base64url");
}

export function verifyMessage(key: PublicKey, message: Buffer, signature: string): boolean {
  try {
    return verify(null, message, key.publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/** The public half as a JSON Web Key Set (RFC 8037: OKP, Ed25519). */
export function publicJwks(keys: PublicKey[]): { keys: Record<string, unknown>[] } {
  return { keys: keys.map((k) => ({ ...k.publicKey.export({ format: "jwk" }), kid: k.keyId, alg: "EdDSA", use: "sig" })) };
}

/**
 * Reads public keys as an auditor may hold them: a JWKS or one JWK (JSON), an SPKI PEM, or the
 * raw 32-byte key in base64url. Throws a message naming what it expected.
 */
export function parsePublicKeys(text: string): PublicKey[] {
  const trimmed = text.trim();
  const toKey = (publicKey: KeyObject): PublicKey => {
    if (publicKey.asymmetricKeyType !== "ed25519") throw new Error(`the public key must be Ed25519 (it is ${publicKey.asymmetricKeyType})`);
    return { keyId: keyIdOf(publicKey), publicKey };
  };
  if (trimmed.startsWith("{")) {
    let json: { keys?: unknown[] } & Record<string, unknown>;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new Error("the public key looks like JSON but does not parse");
    }
    const jwks = Array.isArray(json.keys) ? json.keys : [json];
    if (!jwks.length) throw new Error("the key set holds no key");
    return jwks.map((jwk) => toKey(createPublicKey({ key: jwk as import("node:crypto").JsonWebKey, format: "jwk" })));
  }
  if (trimmed.startsWith("-----BEGIN")) return [toKey(createPublicKey(trimmed))];
  if (/^[A-Za-z0-9_-]{43}=?$/.test(trimmed)) {
    return [toKey(createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: trimmed.replace(/=$/, "") }, format: "jwk" }))];
  }
  throw new Error("the public key must be a JWKS or JWK (JSON), an SPKI PEM, or a base64url Ed25519 key");
}
