import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, describe, expect, it } from "vitest";
import { hashArguments } from "../crypto/canonical-hash";
import { GRANT_TYPE } from "./grant.types";
import { createGrantSigner, publicJwkOf } from "./mint-grant";
import { createGrantVerifier, GrantRefusedError, type TGrantRefusal } from "./verify-grant";

const ISSUER = "https://airlock.example";
const AUDIENCE = "https://files.example/mcp";
const ARGS = { path: "/tmp/a", content: "hello" };

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const jwk = publicJwkOf(publicKey);
const signer = createGrantSigner({ privateKey, publicKey, issuer: ISSUER });
const other = generateKeyPairSync("ed25519");
const otherSigner = createGrantSigner({ privateKey: other.privateKey, publicKey: other.publicKey, issuer: ISSUER });
const es256 = await generateKeyPair("ES256");
const es256Jwk = { ...(await exportJWK(es256.publicKey)), kid: "es256-key", alg: "ES256", use: "sig" };

const newVerifier = () => createGrantVerifier({ jwks: createLocalJWKSet({ keys: [jwk, es256Jwk] }), issuer: ISSUER, audience: AUDIENCE });
const grant = (overrides: Partial<Parameters<typeof signer.mint>[0]> = {}, nowMs?: number) =>
  signer.mint({ audience: AUDIENCE, tool: "write_file", argumentsHash: hashArguments(ARGS), ...overrides }, nowMs);
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

async function refusal(promise: Promise<unknown>): Promise<TGrantRefusal> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrantRefusedError);
  return (error as GrantRefusedError).code;
}

describe("verifying grants", () => {
  it("accepts a grant for this server, tool and arguments once, and returns its claims", async () => {
    const verifier = newVerifier();
    const token = grant({ principal: "rita@example.com", approval: { id: "ap1", approvers: ["a@x.test", "b@x.test"] } });
    const claims = await verifier.verify({ token, tool: "write_file", arguments: { content: "hello", path: "/tmp/a" } });
    expect(claims.sub).toBe("rita@example.com");
    expect(claims.airlock_approval).toEqual({ id: "ap1", approvers: ["a@x.test", "b@x.test"] });
    expect(await refusal(verifier.verify({ token, tool: "write_file", arguments: ARGS }))).toBe("replayed");
  });

  it("accepts ES256 grants too", async () => {
    const token = await new SignJWT({ scope: "tool:write_file", airlock_args: `sha256:${hashArguments(ARGS)}`, jti: "es256-grant-0001" })
      .setProtectedHeader({ alg: "ES256", kid: "es256-key", typ: GRANT_TYPE })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("30s")
      .sign(es256.privateKey);
    await expect(newVerifier().verify({ token, tool: "write_file", arguments: ARGS })).resolves.toMatchObject({ jti: "es256-grant-0001" });
  });

  const now = Date.now();
  const valid = grant();
  const [header, payload] = valid.split(".");
  it.each<[string, () => string | undefined, TGrantRefusal, { tool?: string; arguments?: Record<string, unknown> }?]>([
    ["no token", () => undefined, "missing"],
    ["another tool", () => grant(), "wrong_tool", { tool: "delete_file" }],
    ["other arguments", () => grant(), "wrong_arguments", { arguments: { ...ARGS, path: "/etc/passwd" } }],
    ["another server's grant", () => grant({ audience: "https://other.example/mcp" }), "wrong_audience"],
    ["an expired grant", () => grant({}, now - 120_000), "expired"],
    ["an unsigned grant (alg none)", () => `${b64({ alg: "none", typ: GRANT_TYPE })}.${payload}.`, "invalid"],
    [
      "a grant signed by a key the dashboard does not publish",
      () => otherSigner.mint({ audience: AUDIENCE, tool: "write_file", argumentsHash: hashArguments(ARGS) }),
      "invalid",
    ],
    [
      "a grant whose claims were changed after signing",
      () => `${header}.${b64({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), scope: "tool:delete_file" })}.${valid.split(".")[2]}`,
      "invalid",
    ],
    ["a JWT of another type", () => `${b64({ alg: "EdDSA", kid: jwk.kid, typ: "JWT" })}.${payload}.${valid.split(".")[2]}`, "invalid"],
    ["garbage", () => "not.a.jwt", "invalid"],
  ])("refuses %s", async (_name, token, code, call = {}) => {
    expect(await refusal(newVerifier().verify({ token: token(), tool: call.tool ?? "write_file", arguments: call.arguments ?? ARGS }))).toBe(code);
  });
});

describe("verifying against the dashboard's JWKS URL", () => {
  let isServing = true;
  let fetches = 0;
  const published = [jwk];
  const server = createServer((_req, res) => {
    fetches++;
    if (!isServing) return res.writeHead(503).end("down");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published }));
  });
  const listening = new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("fetches the keys and accepts a good grant", async () => {
    const verifier = createGrantVerifier({ jwks: new URL(`${await listening}/.well-known/jwks.json`), issuer: ISSUER, audience: AUDIENCE });
    await expect(verifier.verify({ token: grant(), tool: "write_file", arguments: ARGS })).resolves.toMatchObject({ scope: "tool:write_file" });
  });

  it("fetches the set again for a key published after it was cached (a bridge that just started), at most once a second", async () => {
    const verifier = createGrantVerifier({ jwks: new URL(`${await listening}/.well-known/jwks.json`), issuer: ISSUER, audience: AUDIENCE });
    await verifier.verify({ token: grant(), tool: "write_file", arguments: ARGS });
    const before = fetches;
    published.push(publicJwkOf(other.publicKey));
    const fresh = otherSigner.mint({ audience: AUDIENCE, tool: "write_file", argumentsHash: hashArguments(ARGS) });
    await expect(verifier.verify({ token: fresh, tool: "write_file", arguments: ARGS })).resolves.toMatchObject({ scope: "tool:write_file" });
    expect(fetches).toBe(before + 1);
    published.pop();
  });

  it("refuses every grant when the keys cannot be fetched (an error answer, or nothing listening)", async () => {
    isServing = false;
    const down = createGrantVerifier({ jwks: new URL(`${await listening}/.well-known/jwks.json`), issuer: ISSUER, audience: AUDIENCE });
    expect(await refusal(down.verify({ token: grant(), tool: "write_file", arguments: ARGS }))).toBe("keys_unavailable");
    isServing = true;
    const nothing = createGrantVerifier({ jwks: new URL("http://127.0.0.1:9/.well-known/jwks.json"), issuer: ISSUER, audience: AUDIENCE });
    expect(await refusal(nothing.verify({ token: grant(), tool: "write_file", arguments: ARGS }))).toBe("keys_unavailable");
  });
});
