// What minting one grant costs in-process: the bridge's signer (a pre-encoded header and
// a synchronous crypto.sign) against jose's SignJWT, and the bridge's whole per-call
// work for an HTTP upstream (mint, then move the grant from _meta into the header).
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { SignJWT } from "jose";
import { hashArguments } from "../lib/crypto/canonical-hash";
import { GRANT_META_KEY, GRANT_TYPE } from "../lib/grants/grant.types";
import { createGrantSigner } from "../lib/grants/mint-grant";
import { DEFAULT_GRANT_HEADER, takeGrant } from "../mcp-bridge/grant-header";

const N = Number(process.env.BENCH_MINTS ?? 20_000);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function time(name: string, once: () => unknown): Promise<void> {
  for (let i = 0; i < 2_000; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await once();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  console.log(
    `  ${name.padEnd(44)} p50 ${(percentile(samples, 50) * 1000).toFixed(1).padStart(6)} µs   p99 ${(percentile(samples, 99) * 1000).toFixed(1).padStart(6)} µs`,
  );
}

export async function measureMinting(): Promise<void> {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const signer = createGrantSigner({ privateKey, publicKey, issuer: "http://127.0.0.1:3000" });
  const request = { audience: "http://127.0.0.1:8808/mcp", tool: "echo", argumentsHash: hashArguments({ text: "call 1" }), principal: "rita@example.com" };
  console.log(`\nminting one grant, in-process (n=${N}):`);
  await time("bridge signer (crypto.sign, pre-encoded header)", () => signer.mint(request));
  await time("jose SignJWT (same claims, EdDSA)", () =>
    new SignJWT({ scope: "tool:echo", airlock_args: `sha256:${request.argumentsHash}`, jti: randomBytes(16).toString("base64url") })
      .setProtectedHeader({ alg: "EdDSA", typ: GRANT_TYPE, kid: signer.kid })
      .setIssuer(signer.issuer)
      .setSubject(request.principal)
      .setAudience(request.audience)
      .setIssuedAt()
      .setExpirationTime("60s")
      .sign(privateKey),
  );
  await time("bridge per call, HTTP upstream (mint + header)", () =>
    takeGrant(
      {
        jsonrpc: "2.0",
        id: 1,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "call 1" }, _meta: { [GRANT_META_KEY]: signer.mint(request) } },
      },
      DEFAULT_GRANT_HEADER,
    ),
  );
}
