import { generateKeyPairSync } from "node:crypto";
import { calculateJwkThumbprint, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { hashArguments } from "../crypto/canonical-hash";
import { GRANT_TYPE } from "./grant.types";
import { createGrantSigner, publicJwkOf } from "./mint-grant";

const ISSUER = "https://airlock.example";

function newSigner(ttlSeconds?: number) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicJwkOf(publicKey);
  return { signer: createGrantSigner({ privateKey, publicKey, issuer: ISSUER, ttlSeconds }), jwk, keys: createLocalJWKSet({ keys: [jwk] }) };
}

describe("minting grants", () => {
  it("signs a compact JWS that jose verifies, with exactly the claims of the call", async () => {
    const { signer, keys, jwk } = newSigner();
    const argumentsHash = hashArguments({ path: "/tmp/a", content: "x" });
    const now = Date.UTC(2026, 10, 29, 7, 0, 0);
    const token = signer.mint(
      {
        audience: "https://files.example/mcp",
        tool: "write_file",
        argumentsHash,
        principal: "rita@example.com",
        approval: { id: "ap1", approvers: ["a@x.test"] },
      },
      now,
    );
    expect(decodeProtectedHeader(token)).toEqual({ alg: "EdDSA", typ: GRANT_TYPE, kid: jwk.kid });
    const { payload } = await jwtVerify(token, keys, { algorithms: ["EdDSA"], currentDate: new Date(now + 1000), typ: GRANT_TYPE });
    expect(payload).toEqual({
      iss: ISSUER,
      sub: "rita@example.com",
      aud: "https://files.example/mcp",
      scope: "tool:write_file",
      airlock_args: `sha256:${argumentsHash}`,
      airlock_approval: { id: "ap1", approvers: ["a@x.test"] },
      jti: payload.jti,
      iat: now / 1000,
      exp: now / 1000 + 60,
    });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("leaves out sub and the approval when there is none, and never repeats a jti", async () => {
    const { signer, keys } = newSigner(5);
    const request = { audience: "files", tool: "read_file", argumentsHash: hashArguments({}) };
    const tokens = Array.from({ length: 100 }, () => signer.mint(request));
    const payloads = await Promise.all(tokens.map(async (t) => (await jwtVerify(t, keys)).payload));
    expect(new Set(payloads.map((p) => p.jti)).size).toBe(100);
    expect(Object.keys(payloads[0]).sort()).toEqual(["airlock_args", "aud", "exp", "iat", "iss", "jti", "scope"]);
    expect(payloads[0].exp! - payloads[0].iat!).toBe(5);
  });

  it("names the key by its RFC 7638 thumbprint, and publishes no private part", async () => {
    const { jwk } = newSigner();
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x }));
    expect(Object.keys(jwk).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x"]);
  });

  it.each([
    [0, "a grant lives 1 to 60 seconds"],
    [61, "a grant lives 1 to 60 seconds"],
    [1.5, "a grant lives 1 to 60 seconds"],
  ])("refuses a lifetime of %s seconds", (ttlSeconds, message) => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    expect(() => createGrantSigner({ privateKey, publicKey, issuer: ISSUER, ttlSeconds })).toThrow(message);
  });

  it("refuses keys that are not Ed25519", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => createGrantSigner({ privateKey, publicKey, issuer: ISSUER })).toThrow("grants are signed with Ed25519 keys");
  });
});
